import { Clipboard } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import {
  act,
  fireEvent,
  render,
  screen,
  waitFor
} from '@testing-library/react';
import React from 'react';

import { IAuthStatus } from '../common/auth';
import { VREConnection } from '../common/connection';
import {
  groupByRecord,
  IDeposition,
  IDepositionSummary,
  ZenodoClient
} from '../zenodo/api';
import { recordFileCode } from '../zenodo/insert';
import { codemetaFor, PublishView, validateForm } from '../zenodo/PublishView';
import { ZenodoView } from '../zenodo/ZenodoView';
import { FakeServer } from './fakeServer';
import { authStatus, task } from './samples';

const trans = nullTranslator.load('jupyterlab_vre');

function summary(
  id: number,
  published: boolean,
  title = `Result ${id}`
): IDepositionSummary {
  const doi = published ? `10.5072/zenodo.${id}` : null;
  return {
    id,
    title,
    state: published ? 'done' : 'unsubmitted',
    published,
    doi,
    reserved_doi: `10.5072/zenodo.${id}`,
    doi_url: doi ? `https://doi.org/${doi}` : null,
    record_url: published ? `http://zenodo/records/${id}` : null,
    conceptrecid: '7',
    created: null,
    modified: null
  };
}

function deposition(
  id: number,
  published: boolean,
  files: string[] = []
): IDeposition {
  return {
    ...summary(id, published),
    metadata: {
      title: `Result ${id}`,
      creators: [{ name: 'Doe, Jane' }],
      upload_type: 'dataset',
      description: 'Made by the tests.',
      license: 'cc-by-4.0'
    },
    files: files.map(name => ({ name, size: 2048, checksum: null, url: null })),
    citation: published ? `Doe, J. (2026). Result ${id}. Zenodo.` : null
  };
}

function zenodoStatus(connected: boolean): IAuthStatus {
  const status = authStatus();
  status.services = status.services.map(s =>
    s.service === 'zenodo' ? { ...s, connected } : s
  );
  return status;
}

const CODEMETA_FORM = {
  title: 'Dark matter fit',
  upload_type: 'software',
  description: 'A fit.',
  creators: [{ name: 'Jane Doe', affiliation: 'ESCAPE' }],
  access_right: 'open',
  license: 'mit',
  publication_date: '2026-11-20',
  version: '1.0.0',
  keywords: ['vre'],
  communities: [],
  extra: {}
};

let server: FakeServer;
let connection: VREConnection;
let client: ZenodoClient;

function setUp(routes: ConstructorParameters<typeof FakeServer>[0]): void {
  server = new FakeServer(routes);
  connection = new VREConnection({
    serverSettings: server.settings,
    refreshSeconds: 0,
    trans
  });
  client = new ZenodoClient(server.settings);
}

afterEach(() => {
  connection?.auth.dispose();
  connection?.tasks.dispose();
  jest.restoreAllMocks();
});

describe('helpers', () => {
  it('finds codemeta.json in a folder or next to a file', () => {
    expect(codemetaFor('work/analysis', true)).toBe(
      'work/analysis/codemeta.json'
    );
    expect(codemetaFor('work/plot.png', false)).toBe('work/codemeta.json');
    expect(codemetaFor('plot.png', false)).toBe('codemeta.json');
  });

  it('says which required fields are missing or wrong', () => {
    const form = {
      ...CODEMETA_FORM,
      access_right: 'open' as const,
      creators: [{ name: 'Doe, Jane', affiliation: 'ESCAPE', orcid: null }],
      extra: {},
      embargo_date: null,
      access_conditions: null
    };
    expect(validateForm(form, true, 'analysis', trans)).toEqual({});
    const errors = validateForm(
      {
        ...form,
        title: ' ',
        description: '',
        creators: [{ name: 'Doe, Jane', affiliation: null, orcid: '123' }],
        license: ''
      },
      true,
      '',
      trans
    );
    expect(Object.keys(errors).sort()).toEqual([
      'creatorRows',
      'description',
      'license',
      'path',
      'title'
    ]);
    expect(errors.creatorRows?.[0]).toContain('ORCID');
    expect(
      validateForm({ ...form, creators: [] }, false, '', trans).creators
    ).toBe('At least one creator is required.');
    // Closed records need no licence.
    expect(
      validateForm(
        { ...form, access_right: 'closed', license: '' },
        false,
        '',
        trans
      )
    ).toEqual({});
  });

  it('groups depositions by record, newest version first', () => {
    const groups = groupByRecord([
      summary(21, false, 'Fit v2'),
      { ...summary(30, false, 'Other'), conceptrecid: '9' },
      summary(20, true, 'Fit')
    ]);
    expect(groups.map(g => [g.title, g.versions.map(v => v.id)])).toEqual([
      ['Fit v2', [21, 20]],
      ['Other', [30]]
    ]);
  });

  it('writes a cell that fetches a record file once, in the kernel language', () => {
    const ref = {
      recordId: 12,
      doi: '10.5072/zenodo.12',
      name: 'data.csv',
      url: 'http://zenodo/api/records/12/files/data.csv/content',
      folder: 'zenodo-12'
    };
    const python = recordFileCode('python', ref);
    expect(python).toContain('path = Path("zenodo-12/data.csv")');
    expect(python).toContain(
      'urlretrieve("http://zenodo/api/records/12/files/data.csv/content", path)'
    );
    expect(python.split('\n')[0]).toBe(
      '# Zenodo record 12 (DOI 10.5072/zenodo.12): data.csv'
    );
    expect(recordFileCode('R', ref)).toContain('download.file(');
    expect(recordFileCode('julia', ref)).toContain('download(');
    expect(recordFileCode('scala', ref)).toContain('# Download: http://');
  });
});

describe('PublishView', () => {
  it('prefills from codemeta.json, uploads, asks for confirmation, publishes and shows the DOI', async () => {
    setUp({
      'GET zenodo/codemeta?path=analysis%2Fcodemeta.json': () => ({
        body: {
          path: 'analysis/codemeta.json',
          metadata: CODEMETA_FORM,
          warnings: ['Missing 2 recommended keys: funder, issueTracker']
        }
      }),
      'POST zenodo/depositions': () => ({
        status: 201,
        body: deposition(12, false)
      }),
      'POST zenodo/depositions/12/upload': () => ({
        status: 202,
        body: task('up1', 'running')
      }),
      'GET tasks/up1': () => ({
        body: {
          ...task('up1', 'succeeded'),
          result: { renamed: { 'code/fit.csv': 'code__fit.csv' } }
        }
      }),
      'GET zenodo/depositions/12': () => ({
        body: {
          ...deposition(12, false, ['codemeta.json', 'code__fit.csv']),
          metadata: {
            ...CODEMETA_FORM,
            title: 'Dark matter fit, final',
            communities: [{ identifier: 'escape2020' }]
          }
        }
      }),
      'POST zenodo/depositions/12/publish': () => ({
        body: {
          id: 12,
          doi: '10.5072/zenodo.12',
          doi_url: 'https://doi.org/10.5072/zenodo.12',
          record_url: 'http://zenodo/records/12',
          citation: 'Doe, J. (2026). Dark matter fit. Zenodo.'
        }
      })
    });
    const copied = jest
      .spyOn(Clipboard, 'copyToSystem')
      .mockImplementation(() => undefined);
    render(
      <PublishView
        client={client}
        connection={connection}
        trans={trans}
        path="analysis"
        isDir={true}
        draft={null}
        defaultCommunity="escape2020"
      />
    );
    const title = (await screen.findByLabelText(/^Title/)) as HTMLInputElement;
    expect(title.value).toBe('Dark matter fit');
    expect(
      screen.getByText(/Prefilled from analysis\/codemeta.json/)
    ).toBeTruthy();
    expect(
      (screen.getByLabelText(/communities/) as HTMLInputElement).value
    ).toBe('escape2020');

    // Creators are rows: name, affiliation, ORCID.
    expect(
      (screen.getByLabelText('Creator 1: affiliation') as HTMLInputElement)
        .value
    ).toBe('ESCAPE');
    fireEvent.click(screen.getByText('Add a creator'));
    fireEvent.change(screen.getByLabelText('Creator 2: name (Family, Given)'), {
      target: { value: 'Roe, Richard' }
    });
    fireEvent.change(screen.getByLabelText('Creator 2: ORCID'), {
      target: { value: '0000-0002-1825-0097' }
    });
    fireEvent.change(title, { target: { value: 'Dark matter fit, final' } });
    await act(async () => {
      fireEvent.click(screen.getByText('Upload and review'));
    });
    await screen.findByText('Review before publishing');
    const created = server.requests.find(
      r => r.method === 'POST' && r.path === 'zenodo/depositions'
    );
    expect(created?.body).toMatchObject({
      metadata: {
        title: 'Dark matter fit, final',
        creators: [
          { name: 'Jane Doe', affiliation: 'ESCAPE', orcid: null },
          {
            name: 'Roe, Richard',
            affiliation: null,
            orcid: '0000-0002-1825-0097'
          }
        ],
        communities: ['escape2020']
      }
    });
    expect(
      server.requests.find(r => r.path === 'zenodo/depositions/12/upload')?.body
    ).toEqual({ paths: ['analysis'] });
    // The review shows everything that goes public, and where each file came from.
    const review = screen.getByLabelText('Review');
    for (const shown of ['A fit.', 'mit', 'software', 'vre', 'escape2020']) {
      expect(review.textContent).toContain(shown);
    }
    const fit = review.querySelector('[data-file="code__fit.csv"]');
    expect(fit?.textContent).toContain('from analysis/code/fit.csv');
    expect(review.textContent).toContain('Zenodo keeps no folders');
    expect(screen.getByText('10.5072/zenodo.12')).toBeTruthy(); // the reserved DOI

    const publish = screen.getByText('Publish').closest('button')!;
    expect(publish.disabled).toBe(true);
    expect(server.count('POST zenodo/depositions/12/publish')).toBe(0);
    fireEvent.click(screen.getByRole('checkbox'));
    expect(publish.disabled).toBe(false);
    await act(async () => {
      fireEvent.click(publish);
    });
    await screen.findByText('Published with the DOI');
    const badge = screen.getByText('10.5072/zenodo.12');
    expect(badge.getAttribute('href')).toBe(
      'https://doi.org/10.5072/zenodo.12'
    );
    fireEvent.click(screen.getByText('Copy citation'));
    expect(copied).toHaveBeenCalledWith(
      'Doe, J. (2026). Dark matter fit. Zenodo.'
    );
  });

  it('shows why codemeta.json could not be used, and a failed upload keeps the form', async () => {
    setUp({
      'GET zenodo/codemeta?path=codemeta.json': () => ({
        status: 400,
        body: {
          error: 'invalid_codemeta',
          message: 'codemeta.json lacks keys the OSSR requires: readme.'
        }
      }),
      'POST zenodo/depositions': () => ({
        status: 400,
        body: {
          error: 'invalid_metadata',
          message: 'The metadata is incomplete: a description is required.'
        }
      })
    });
    render(
      <PublishView
        client={client}
        connection={connection}
        trans={trans}
        path="plot.png"
        isDir={false}
        draft={null}
        defaultCommunity={null}
      />
    );
    const title = (await screen.findByLabelText(/^Title/)) as HTMLInputElement;
    expect(title.value).toBe('plot.png');
    expect(screen.getByText(/lacks keys the OSSR requires/)).toBeTruthy();
    // Required fields are marked, and an error shows at its field once it is left.
    const description = screen.getByLabelText(/^Description/);
    expect(description.getAttribute('aria-required')).toBe('true');
    expect(screen.queryByText('A description is required.')).toBeNull();
    fireEvent.blur(description);
    expect(screen.getByText('A description is required.')).toBeTruthy();
    expect(description.getAttribute('aria-invalid')).toBe('true');
    await act(async () => {
      fireEvent.click(screen.getByText('Upload and review'));
    });
    // Nothing reaches Zenodo while a required field is empty; focus goes to the first one.
    expect(server.count('POST zenodo/depositions')).toBe(0);
    expect(screen.getByText('At least one creator is required.')).toBeTruthy();
    expect(document.activeElement).toBe(description);

    fireEvent.change(description, { target: { value: 'A plot.' } });
    fireEvent.change(screen.getByLabelText('Creator 1: name (Family, Given)'), {
      target: { value: 'Doe, Jane' }
    });
    await act(async () => {
      fireEvent.click(screen.getByText('Upload and review'));
    });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'a description is required'
    );
    expect(screen.getByLabelText(/^Title/)).toBeTruthy();
    expect(server.count('POST zenodo/depositions/12/upload')).toBe(0);
  });
  it('continues a draft that has its files: review without uploading', async () => {
    setUp({
      'PUT zenodo/depositions/30/metadata': () => ({
        body: deposition(30, false, ['data.h5'])
      }),
      'GET zenodo/depositions/30': () => ({
        body: deposition(30, false, ['data.h5'])
      })
    });
    render(
      <PublishView
        client={client}
        connection={connection}
        trans={trans}
        path={null}
        isDir={false}
        draft={deposition(30, false, ['data.h5'])}
        defaultCommunity={null}
      />
    );
    expect(
      ((await screen.findByLabelText(/^Title/)) as HTMLInputElement).value
    ).toBe('Result 30');
    await act(async () => {
      fireEvent.click(screen.getByText('Review'));
    });
    await screen.findByText('Review before publishing');
    expect(screen.getByText(/data.h5/)).toBeTruthy();
    expect(server.requests.some(r => r.path.endsWith('/upload'))).toBe(false);
  });
});

describe('ZenodoView', () => {
  it('checks the token, lists depositions with state and DOI, and starts a new version', async () => {
    const status = zenodoStatus(true);
    setUp({
      'GET auth/status': () => ({ body: status }),
      'POST zenodo/verify': () => ({
        body: { connected: true, message: 'Zenodo accepted your token.' }
      }),
      'GET zenodo/depositions?page=1&size=10': () => ({
        body: {
          items: [summary(21, false, 'A draft'), summary(20, true)],
          page: 1,
          size: 10,
          has_next: false
        }
      }),
      'POST zenodo/depositions/20/newversion': () => ({
        status: 201,
        body: deposition(22, false)
      })
    });
    await connection.auth.refresh();
    const onContinue = jest.fn();
    render(
      <ZenodoView
        client={client}
        auth={connection.auth}
        trans={trans}
        defaultCommunity="escape2020"
        onContinue={onContinue}
      />
    );
    await screen.findByText('A draft');
    // A token Zenodo accepts needs no words.
    await waitFor(() => expect(server.count('POST zenodo/verify')).toBe(1));
    expect(screen.queryByRole('alert')).toBeNull();
    // Both are versions of one record (concept 7): one group, newest first.
    const group = document.querySelector('[data-concept="7"]') as HTMLElement;
    expect(
      Array.from(group.querySelectorAll('[data-deposition]')).map(e =>
        e.getAttribute('data-deposition')
      )
    ).toEqual(['21', '20']);
    expect(screen.getByText('Draft')).toBeTruthy();
    expect(screen.getByText('Published')).toBeTruthy();
    expect(screen.getByText('10.5072/zenodo.20').getAttribute('href')).toBe(
      'https://doi.org/10.5072/zenodo.20'
    );
    await act(async () => {
      fireEvent.click(screen.getByText('New version'));
    });
    await waitFor(() => expect(onContinue).toHaveBeenCalled());
    expect(onContinue.mock.calls[0][0].id).toBe(22);
    expect(
      server.requests.find(r => r.path.endsWith('newversion'))?.body
    ).toEqual({
      keep_files: false
    });
  });

  it('reloads the page being shown when the depositions change', async () => {
    const listing = (page: number, title: string) => () => ({
      body: {
        items: [summary(30 + page, false, title)],
        page,
        size: 10,
        has_next: page === 1
      }
    });
    setUp({
      'GET auth/status': () => ({ body: zenodoStatus(true) }),
      'POST zenodo/verify': () => ({
        body: { connected: true, message: 'Zenodo accepted your token.' }
      }),
      'GET zenodo/depositions?page=1&size=10': listing(1, 'On page one'),
      'GET zenodo/depositions?page=2&size=10': listing(2, 'On page two')
    });
    await connection.auth.refresh();
    render(
      <ZenodoView
        client={client}
        auth={connection.auth}
        trans={trans}
        defaultCommunity="escape2020"
        onContinue={jest.fn()}
      />
    );
    await screen.findByText('On page one');
    await act(async () => {
      fireEvent.click(screen.getByText('Next'));
    });
    await screen.findByText('On page two');
    const before = server.count('GET zenodo/depositions?page=2&size=10');
    await act(async () => {
      // What a publish, discard or new version emits.
      (
        client as unknown as { _depositionsChanged: { emit(): void } }
      )._depositionsChanged.emit();
    });
    await waitFor(() =>
      expect(server.count('GET zenodo/depositions?page=2&size=10')).toBe(
        before + 1
      )
    );
    expect(screen.getByText('On page two')).toBeTruthy();
  });

  it('shows a refused token and asks for one when not connected', async () => {
    let status = zenodoStatus(true);
    setUp({
      'GET auth/status': () => ({ body: status }),
      'POST zenodo/verify': () => ({
        status: 401,
        body: {
          error: 'zenodo_auth_failed',
          message: 'Zenodo did not accept your access token.'
        }
      }),
      'GET zenodo/depositions?page=1&size=10': () => ({
        status: 401,
        body: {
          error: 'zenodo_auth_failed',
          message: 'Zenodo did not accept your access token.'
        }
      })
    });
    await connection.auth.refresh();
    render(
      <ZenodoView
        client={client}
        auth={connection.auth}
        trans={trans}
        defaultCommunity={null}
        onContinue={jest.fn()}
      />
    );
    await waitFor(() =>
      expect(screen.getAllByRole('alert')[0].textContent).toContain(
        'did not accept your access token'
      )
    );
    status = zenodoStatus(false);
    await act(() => connection.auth.refresh());
    expect(
      screen.getByText(/Enter a Zenodo personal access token/)
    ).toBeTruthy();
  });

  it('searches records in a community, page by page', async () => {
    const status = zenodoStatus(false);
    const record = (id: number) => ({
      id,
      title: `Record ${id}`,
      doi: `10.5072/zenodo.${id}`,
      doi_url: `https://doi.org/10.5072/zenodo.${id}`,
      record_url: null,
      publication_date: '2026-01-01',
      creators: ['Doe, Jane'],
      version: null,
      communities: ['escape2020']
    });
    setUp({
      'GET auth/status': () => ({ body: status }),
      'GET zenodo/records?q=muon&community=escape2020&page=1&size=10': () => ({
        body: { items: [record(1)], total: 11, page: 1, size: 10 }
      }),
      'GET zenodo/records?q=muon&community=escape2020&page=2&size=10': () => ({
        body: { items: [record(2)], total: 11, page: 2, size: 10 }
      })
    });
    await connection.auth.refresh();
    render(
      <ZenodoView
        client={client}
        auth={connection.auth}
        trans={trans}
        defaultCommunity="escape2020"
        onContinue={jest.fn()}
      />
    );
    fireEvent.change(screen.getByLabelText('Search text'), {
      target: { value: 'muon' }
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    });
    await screen.findByText('Record 1');
    expect(screen.getByText('11 records')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByText('Next'));
    });
    await screen.findByText('Record 2');
    expect(screen.getByText('Page 2')).toBeTruthy();
  });

  it('filters records by type and access, shows a record’s files, fetches one and inserts one', async () => {
    const status = zenodoStatus(false);
    const record = {
      id: 5,
      title: 'Muon data',
      doi: '10.5072/zenodo.5',
      doi_url: 'https://doi.org/10.5072/zenodo.5',
      record_url: null,
      publication_date: '2026-01-01',
      creators: ['Doe, Jane'],
      version: null,
      communities: [],
      resource_type: 'dataset',
      access_right: 'open'
    };
    const url = 'http://zenodo/api/records/5/files/muons.csv/content';
    setUp({
      'GET auth/status': () => ({ body: status }),
      'GET zenodo/records?resource_type=dataset&access_right=open&page=1&size=10':
        () => ({ body: { items: [record], total: 1, page: 1, size: 10 } }),
      'GET zenodo/records/5': () => ({
        body: {
          ...record,
          description: null,
          metadata: {},
          files: [{ name: 'muons.csv', size: 2048, checksum: null, url }],
          versions: [],
          conceptrecid: '4',
          citation: 'Doe (2026)'
        }
      }),
      'POST zenodo/records/5/fetch': () => ({
        status: 202,
        body: task('f1', 'running')
      })
    });
    await connection.auth.refresh();
    const onInsert = jest.fn();
    render(
      <ZenodoView
        client={client}
        auth={connection.auth}
        trans={trans}
        defaultCommunity={null}
        onContinue={jest.fn()}
        onInsert={onInsert}
      />
    );
    fireEvent.change(screen.getByLabelText('Type'), {
      target: { value: 'dataset' }
    });
    fireEvent.change(screen.getByLabelText('Access'), {
      target: { value: 'open' }
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    });
    await screen.findByText('Muon data');
    expect(screen.getByText(/dataset · open · Doe, Jane/)).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByText('Muon data'));
    });
    await screen.findByText('muons.csv');
    fireEvent.click(screen.getByText('Insert into notebook'));
    expect(onInsert).toHaveBeenCalledWith({
      recordId: 5,
      doi: '10.5072/zenodo.5',
      name: 'muons.csv',
      url,
      folder: 'zenodo-5'
    });
  });
});
