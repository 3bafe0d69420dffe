import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { VREConnection } from '../common/connection';
import { IWorkflow, ReanaClient } from '../reana/api';
import {
  durationSeconds,
  fileRole,
  fileTree,
  formatDuration,
  reanaTime,
  WorkflowsModel
} from '../reana/model';
import { ReanaView } from '../reana/ReanaView';
import { Messages, workflowName } from '../reana/RunDialog';
import { SecretsView } from '../reana/SecretsView';
import { FakeServer } from './fakeServer';

const trans = nullTranslator.load('jupyterlab_vre');
const LIST = 'GET reana/workflows?size=20&sort=desc&page=1';

function workflow(
  id: string,
  status: string,
  extra: Partial<IWorkflow> = {}
): IWorkflow {
  return {
    id,
    name: `${id}.1`,
    status,
    created: '2030-01-01T10:00:00',
    started_at: null,
    finished_at: null,
    jobs: {
      total: 2,
      finished: status === 'finished' ? 2 : 0,
      failed: 0,
      running: 0
    },
    current_step: null,
    size_bytes: null,
    ...extra
  };
}

function notifications(type: string): string[] {
  return Notification.manager.notifications
    .filter(n => n.type === type)
    .map(n => n.message);
}

let items: IWorkflow[];
let server: FakeServer;
let model: WorkflowsModel;

beforeEach(() => {
  items = [];
  server = new FakeServer({
    [LIST]: () => ({
      body: { items, total: items.length, page: 1, size: 20, has_next: false }
    }),
    'GET reana/workflows?size=20&sort=desc&page=2&status=failed': () => ({
      body: { items: [], total: 0, page: 2, size: 20, has_next: false }
    }),
    'GET reana/ping': () => ({
      body: {
        server_url: 'https://reana.example',
        server_version: '0.9.4',
        email: 'jdoe@example.org',
        username: 'jdoe',
        full_name: 'Jane Doe'
      }
    }),
    'GET reana/workflows/w1': () => ({ body: items[0] }),
    'GET reana/workflows/w1/logs': () => ({
      body: {
        workflow_id: 'w1',
        workflow_logs: '',
        steps: [
          {
            job_id: 'j1',
            step: 'greet',
            status: 'finished',
            command: 'python3 greet.py',
            environment: 'python:3.11',
            compute_backend: 'kubernetes',
            started_at: '2030-01-01T10:00:05',
            finished_at: '2030-01-01T10:01:10',
            logs: 'greeted Jane Doe'
          }
        ]
      }
    }),
    'GET reana/workflows/w1/files?page=1&size=1000': () => ({
      body: {
        items: [
          {
            name: 'results/greetings.txt',
            size_bytes: 1500,
            last_modified: null
          },
          { name: 'data/names.txt', size_bytes: 30, last_modified: null },
          { name: 'tmp/scratch.log', size_bytes: 10, last_modified: null }
        ],
        total: 3,
        page: 1,
        size: 1000,
        has_next: false
      }
    }),
    'GET reana/workflows/w1/specification': () => ({
      body: {
        workflow_id: 'w1',
        workflow_type: 'serial',
        parameters: { greeting: 'Hello' },
        input_files: ['data/names.txt'],
        input_directories: [],
        output_files: [],
        output_directories: ['results']
      }
    })
  });
  model = new WorkflowsModel({
    client: new ReanaClient(server.settings),
    trans,
    idleSeconds: 0
  });
});

afterEach(() => {
  model.dispose();
  Notification.dismiss();
  jest.restoreAllMocks();
});

describe('WorkflowsModel', () => {
  it('announces a run seen running once it finishes, and only once', async () => {
    items = [workflow('w1', 'running')];
    await model.refresh();
    expect(notifications('success')).toEqual([]);
    items = [workflow('w1', 'finished')];
    await model.refresh();
    await model.refresh();
    expect(notifications('success')).toEqual(['REANA workflow w1.1 finished.']);
  });

  it('announces a failure, but not runs that ended before it looked', async () => {
    items = [workflow('w0', 'failed'), workflow('w1', 'queued')];
    await model.refresh();
    items = [workflow('w0', 'failed'), workflow('w1', 'failed')];
    await model.refresh();
    expect(notifications('error')).toEqual([
      'REANA workflow w1.1 failed: see its logs in the REANA panel.'
    ]);
  });

  it('follows a run that is not on the page shown', async () => {
    server = new FakeServer({
      [LIST]: () => ({
        body: { items: [], total: 0, page: 1, size: 20, has_next: false }
      }),
      'GET reana/workflows/w9': () => ({ body: workflow('w9', 'stopped') })
    });
    model = new WorkflowsModel({
      client: new ReanaClient(server.settings),
      trans,
      idleSeconds: 0
    });
    await model.follow('w9');
    expect(model.find('w9')?.status).toBe('stopped');
    expect(notifications('info')).toEqual(['REANA workflow w9.1 stopped.']);
  });

  it('asks for the page and filter chosen', async () => {
    await model.setQuery({ page: 2, status: 'failed' });
    expect(
      server.count('GET reana/workflows?size=20&sort=desc&page=2&status=failed')
    ).toBe(1);
  });
});

describe('ReanaView', () => {
  it('lists runs with status, start and duration; a selected run replaces the list with its steps and files', async () => {
    items = [
      workflow('w1', 'finished', {
        started_at: '2030-01-01T10:00:00',
        finished_at: '2030-01-01T10:03:05'
      })
    ];
    const connection = new VREConnection({
      serverSettings: server.settings,
      refreshSeconds: 0,
      trans
    });
    render(<ReanaView model={model} connection={connection} trans={trans} />);
    await act(() => model.refresh());
    expect(
      await screen.findByText(
        'REANA 0.9.4 at https://reana.example, as jdoe@example.org'
      )
    ).toBeTruthy();
    const row = screen.getByText('w1.1').closest('tr') as HTMLElement;
    expect(
      row.querySelector('.jp-vre-ReanaBadge.jp-mod-finished')?.textContent
    ).toBe('finished');
    expect(
      row.querySelector('.jp-vre-ReanaWorkflow-duration')?.textContent
    ).toBe('3 min 05 s');
    // The search field is the panel's main field.
    expect(
      screen
        .getByLabelText('Search workflows by name')
        .hasAttribute('data-vre-main-field')
    ).toBe(true);

    await act(async () => {
      fireEvent.click(screen.getByText('w1.1'));
    });
    expect(await screen.findByText('greeted Jane Doe')).toBeTruthy();
    // In place of the list, with a way back.
    expect(screen.queryByLabelText('Search workflows by name')).toBeNull();
    expect(screen.getByText('All workflows')).toBeTruthy();
    const step = document.querySelector('[data-step="greet"]') as HTMLElement;
    expect(step.querySelector('.jp-vre-ReanaStep-duration')?.textContent).toBe(
      '1 min 05 s'
    );
    await screen.findByText('greetings.txt');
    const role = (path: string) =>
      document
        .querySelector(`[data-path="${path}"]`)
        ?.closest('[data-role]')
        ?.getAttribute('data-role');
    expect(role('results/greetings.txt')).toBe('output');
    expect(role('data/names.txt')).toBe('input');
    expect(role('tmp/scratch.log')).toBe('other');
    expect(screen.getByText('1.5 kB')).toBeTruthy();
    expect(screen.getByText('Download to…')).toBeTruthy();
    expect(screen.getByText('Run again with…')).toBeTruthy();
    expect(screen.getByText('Delete…')).toBeTruthy();
    expect(screen.queryByText('Stop')).toBeNull();

    await act(async () => {
      fireEvent.click(screen.getByText('All workflows'));
    });
    expect(screen.getByLabelText('Search workflows by name')).toBeTruthy();
    connection.auth.dispose();
    connection.tasks.dispose();
  });
});

describe('times and the workspace tree', () => {
  it('reads REANA times as UTC and formats durations for a column', () => {
    expect(reanaTime('2030-01-01T10:00:00')).toBe(
      Date.UTC(2030, 0, 1, 10, 0, 0)
    );
    expect(reanaTime(null)).toBeNull();
    expect(durationSeconds('2030-01-01T10:00:00', '2030-01-01T10:00:42')).toBe(
      42
    );
    // Still running: up to now.
    expect(
      durationSeconds('2030-01-01T10:00:00', null, Date.UTC(2030, 0, 1, 12, 7))
    ).toBe(7620);
    expect(durationSeconds(null, null)).toBeNull();
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(7620)).toBe('2 h 07 min');
    expect(formatDuration(null)).toBe('');
  });

  it('builds a folder tree and tells inputs from outputs', () => {
    const tree = fileTree([
      { name: 'results/plots/a.png', size_bytes: 1 },
      { name: 'results/b.txt', size_bytes: 2 },
      { name: 'top.txt', size_bytes: 3 }
    ]);
    expect(tree.files.map(f => f.path)).toEqual(['top.txt']);
    const results = tree.folders.get('results');
    expect(results?.files.map(f => f.name)).toEqual(['b.txt']);
    expect(results?.folders.get('plots')?.files[0].path).toBe(
      'results/plots/a.png'
    );
    const spec = {
      input_files: ['code/fit.py'],
      input_directories: ['data/'],
      output_files: ['out.root'],
      output_directories: ['results']
    };
    expect(fileRole('code/fit.py', spec)).toBe('input');
    expect(fileRole('data/x/y.csv', spec)).toBe('input');
    expect(fileRole('out.root', spec)).toBe('output');
    expect(fileRole('results/b.txt', spec)).toBe('output');
    expect(fileRole('resultsX/b.txt', spec)).toBe('other');
  });
});

describe('Run on REANA dialog parts', () => {
  it('makes a REANA workflow name from a folder name', () => {
    expect(workflowName('my analysis.v2')).toBe('my-analysis-v2');
    expect(workflowName('...')).toBe('workflow');
  });

  it('lists validation errors and warnings', () => {
    render(
      <Messages
        trans={trans}
        messages={[
          {
            severity: 'error',
            key: 'workflow.type',
            line: 3,
            message: 'Unknown type (line 3)'
          },
          { severity: 'warning', key: null, line: 1, message: 'No inputs' }
        ]}
      />
    );
    expect(screen.getByText('Error: Unknown type (line 3)')).toBeTruthy();
    expect(screen.getByText('Warning: No inputs')).toBeTruthy();
  });
});

describe('SecretsView', () => {
  it('offers held credentials as sources and sends only their names', async () => {
    const secrets = [{ name: 'OLD', type: 'env' }];
    server = new FakeServer({
      'GET auth/status': () => ({
        body: {
          identity: { subject: 's', username: 'jdoe' },
          token: { configured: true, refreshable: true },
          services: [
            {
              service: 'rucio',
              instance: 'cms',
              display_name: 'CMS Rucio',
              auth: 'userpass',
              connected: true,
              source: 'user',
              fields: ['username', 'password'],
              message: ''
            }
          ]
        }
      }),
      'GET reana/secrets': () => ({ body: { secrets } }),
      'POST reana/secrets': request => {
        secrets.push({
          name: (request.body as { name: string }).name,
          type: 'env'
        });
        return { status: 201, body: { secrets } };
      }
    });
    const connection = new VREConnection({
      serverSettings: server.settings,
      refreshSeconds: 0,
      trans
    });
    await connection.auth.refresh();
    render(
      <SecretsView
        client={new ReanaClient(server.settings)}
        auth={connection.auth}
        trans={trans}
      />
    );
    const details = screen
      .getByText('Secrets')
      .closest('details') as HTMLDetailsElement;
    await act(async () => {
      details.open = true;
      fireEvent(details, new Event('toggle'));
    });
    expect(await screen.findByText('OLD')).toBeTruthy();
    const select = screen.getByLabelText(
      'Secret value from'
    ) as HTMLSelectElement;
    expect(Array.from(select.options, o => o.text)).toEqual([
      'IAM token for Rucio',
      'CMS Rucio: username',
      'CMS Rucio: password'
    ]);
    fireEvent.change(screen.getByLabelText('Secret name'), {
      target: { value: 'RUCIO_PASSWORD' }
    });
    fireEvent.change(select, { target: { value: '2' } });
    await act(async () => {
      fireEvent.click(screen.getByText('Add secret'));
    });
    expect(await screen.findByText('RUCIO_PASSWORD')).toBeTruthy();
    const sent = server.requests.find(r => r.method === 'POST')?.body;
    expect(sent).toEqual({
      name: 'RUCIO_PASSWORD',
      type: 'env',
      source: {
        kind: 'credential',
        service: 'rucio',
        instance: 'cms',
        field: 'password'
      }
    });
    connection.auth.dispose();
    connection.tasks.dispose();
  });
});
