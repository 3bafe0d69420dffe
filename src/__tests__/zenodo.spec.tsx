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
  creatorsFromText,
  creatorsToText,
  IDeposition,
  IDepositionSummary,
  ZenodoClient
} from '../zenodo/api';
import { codemetaFor, PublishView } from '../zenodo/PublishView';
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
      upload_type: 'dataset'
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

  it('reads creators one per line, with an affiliation after ";"', () => {
    const creators = creatorsFromText('Doe, Jane; ESCAPE\n\n  Roe, Richard ');
    expect(creators).toEqual([
      { name: 'Doe, Jane', affiliation: 'ESCAPE', orcid: null },
      { name: 'Roe, Richard', affiliation: null, orcid: null }
    ]);
    expect(creatorsToText(creators)).toBe('Doe, Jane; ESCAPE\nRoe, Richard');
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
      'GET tasks/up1': () => ({ body: task('up1', 'succeeded') }),
      'GET zenodo/depositions/12': () => ({
        body: deposition(12, false, ['codemeta.json', 'fit.csv'])
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
    const title = (await screen.findByLabelText('Title')) as HTMLInputElement;
    expect(title.value).toBe('Dark matter fit');
    expect(
      screen.getByText(/Prefilled from analysis\/codemeta.json/)
    ).toBeTruthy();
    expect(
      (screen.getByLabelText(/communities/) as HTMLInputElement).value
    ).toBe('escape2020');

    fireEvent.change(title, { target: { value: 'Dark matter fit, final' } });
    await act(async () => {
      fireEvent.click(screen.getByText('Upload'));
    });
    await screen.findByText('Review before publishing');
    const created = server.requests.find(
      r => r.method === 'POST' && r.path === 'zenodo/depositions'
    );
    expect(created?.body).toMatchObject({
      metadata: {
        title: 'Dark matter fit, final',
        creators: [{ name: 'Jane Doe', affiliation: 'ESCAPE' }],
        communities: ['escape2020']
      }
    });
    expect(
      server.requests.find(r => r.path === 'zenodo/depositions/12/upload')?.body
    ).toEqual({ paths: ['analysis'] });
    expect(screen.getByText(/fit.csv/)).toBeTruthy();
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
    const title = (await screen.findByLabelText('Title')) as HTMLInputElement;
    expect(title.value).toBe('plot.png');
    expect(screen.getByText(/lacks keys the OSSR requires/)).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByText('Upload'));
    });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'a description is required'
    );
    expect(screen.getByLabelText('Title')).toBeTruthy();
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
      ((await screen.findByLabelText('Title')) as HTMLInputElement).value
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
    await screen.findByText('Zenodo accepted your token.');
    await screen.findByText('A draft');
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
      fireEvent.click(screen.getByText('Search'));
    });
    await screen.findByText('Record 1');
    expect(screen.getByText('11 records')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByText('Next'));
    });
    await screen.findByText('Record 2');
    expect(screen.getByText('Page 2')).toBeTruthy();
  });
});
