import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';

import { VREConnection } from '../common/connection';
import { API_ROOT } from '../common/request';
import { collectionState, RucioModel } from '../rucio/model';
import { IDIDItem, IRuleInfo } from '../rucio/service';
import { task } from './samples';

const BASE_URL = 'http://hub/user/a/';

interface IRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Handler = (request: IRequest) => { status?: number; body: unknown };

/** A fake Jupyter server for `/vre/api/rucio/...`, matching on path without the query. */
function fakeServer(routes: Record<string, Handler>): IRequest[] {
  const seen: IRequest[] = [];
  jest
    .spyOn(ServerConnection, 'makeRequest')
    .mockImplementation(async (url, init) => {
      const parsed = new URL(url);
      const path = parsed.pathname.slice(
        new URL(`${BASE_URL}${API_ROOT}/`).pathname.length
      );
      const method = init.method ?? 'GET';
      const body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
      const request = { method, path, query: parsed.searchParams, body };
      seen.push(request);
      const route = routes[`${method} ${path}`];
      const answer = route
        ? route(request)
        : { status: 404, body: { error: 'not_found', message: path } };
      return new Response(JSON.stringify(answer.body), {
        status: answer.status ?? 200
      });
    });
  return seen;
}

function file(name: string, bytes = 10): IDIDItem {
  return {
    scope: 's',
    name,
    did_type: 'FILE',
    bytes,
    length: null,
    adler32: null
  };
}

function dataset(name: string, length: number | null = null): IDIDItem {
  return {
    scope: 's',
    name,
    did_type: 'DATASET',
    bytes: null,
    length,
    adler32: null
  };
}

const INSTANCES = {
  instances: [
    {
      name: 'vre',
      display_name: 'VRE',
      mode: 'replica',
      auth: 'oidc',
      site_name: '',
      webui_url: '',
      destination_rse: 'MOUNT'
    }
  ],
  default_instance: 'vre'
};

function rule(state: string, ok: number, replicating: number): IRuleInfo {
  return {
    id: `r-${state}`,
    account: 'jdoe',
    rse_expression: 'MOUNT',
    state,
    expires_at: null,
    locks_ok: ok,
    locks_replicating: replicating,
    locks_stuck: 0
  };
}

let connection: VREConnection;
let model: RucioModel;

function makeModel(): RucioModel {
  connection = new VREConnection({
    serverSettings: ServerConnection.makeSettings({ baseUrl: BASE_URL }),
    refreshSeconds: 0,
    trans: nullTranslator.load('jupyterlab_vre')
  });
  model = new RucioModel(connection);
  return model;
}

afterEach(() => {
  model?.dispose();
  connection?.tasks.dispose();
  connection?.auth.dispose();
  jest.restoreAllMocks();
});

describe('collectionState', () => {
  it('reads availability from the rules on the mounted RSE', () => {
    expect(collectionState([], 'MOUNT').state).toBe('not_available');
    expect(collectionState([rule('OK', 3, 0)], 'MOUNT').state).toBe(
      'available'
    );
    expect(collectionState([rule('REPLICATING', 1, 2)], 'MOUNT')).toEqual({
      state: 'replicating',
      done: 1,
      total: 3
    });
    const elsewhere = { ...rule('OK', 3, 0), rse_expression: 'OTHER' };
    expect(collectionState([elsewhere], 'MOUNT').state).toBe('not_available');
  });
});

describe('RucioModel', () => {
  it('searches page by page with the one-use cursors', async () => {
    const seen = fakeServer({
      'GET rucio/instances': () => ({ body: INSTANCES }),
      'GET rucio/vre/dids/search': ({ query }) =>
        query.get('cursor') === 'c1'
          ? { body: { items: [file('b')], next_cursor: null } }
          : { body: { items: [file('a')], next_cursor: 'c1' } }
    });
    makeModel();
    await model.ready();
    await model.search('s:*', 'file');
    expect(model.rows.map(r => r.kind)).toEqual(['did', 'more']);
    const search = seen.find(r => r.path === 'rucio/vre/dids/search')!;
    expect(search.query.get('query')).toBe('s:*');
    expect(search.query.get('type')).toBe('file');
    expect(search.query.get('limit')).toBe('100');
    await model.results!.loadMore();
    expect(
      model.rows.map(r => (r.kind === 'did' ? r.node.did : r.kind))
    ).toEqual(['s:a', 's:b']);
    expect(model.results!.complete).toBe(true);
    // A complete listing asks no more.
    await model.results!.loadMore();
    expect(seen.filter(r => r.path === 'rucio/vre/dids/search')).toHaveLength(
      2
    );
  });

  it('opens a collection in place, with breadcrumbs back to the results', async () => {
    fakeServer({
      'GET rucio/instances': () => ({ body: INSTANCES }),
      'GET rucio/vre/dids/search': () => ({
        body: { items: [dataset('d', 2), file('z')], next_cursor: null }
      }),
      'GET rucio/vre/dids/content': ({ query }) => ({
        body: {
          items: [file(`${query.get('did')}.1`), file(`${query.get('did')}.2`)],
          next_cursor: null
        }
      })
    });
    makeModel();
    await model.ready();
    await model.search('s:*', 'all');
    const node = model.results!.nodes[0];
    model.select([node.did]);
    await model.open(node);
    expect(model.path.map(n => n.did)).toEqual(['s:d']);
    expect(
      model.rows.map(r => (r.kind === 'did' ? r.node.did : r.kind))
    ).toEqual(['s:s:d.1', 's:s:d.2']);
    expect(model.selection).toEqual([]);
    // Back to the results: the collection left is selected again.
    model.goTo(0);
    expect(model.path).toEqual([]);
    expect(model.rows).toHaveLength(2);
    expect(model.selection.map(n => n.did)).toEqual(['s:d']);
  });

  it('selects several DIDs and says whether making them available fits the quota', async () => {
    fakeServer({
      'GET rucio/instances': () => ({ body: INSTANCES }),
      'GET rucio/vre/dids/search': () => ({
        body: {
          items: [
            { ...file('a'), bytes: 600 },
            { ...file('b'), bytes: 500 }
          ],
          next_cursor: null
        }
      }),
      'GET rucio/vre/quota': () => ({
        body: {
          account: 'jdoe',
          rses: [{ rse: 'MOUNT', used_bytes: 0, files: 0, limit_bytes: 1000 }]
        }
      })
    });
    makeModel();
    await model.ready();
    await model.search('s:*', 'file');
    const [a, b] = model.results!.nodes;
    model.select([a.did]);
    model.toggleSelected(b.did);
    expect(model.selection).toEqual([a, b]);
    await model.loadQuota();
    expect(model.quotaCheck([a])).toMatchObject({
      needed: 600,
      exceeds: false
    });
    expect(model.quotaCheck([a, b])).toMatchObject({
      rse: 'MOUNT',
      needed: 1100,
      limit: 1000,
      exceeds: true
    });
    model.toggleSelected(a.did);
    expect(model.selection).toEqual([b]);
  });

  it('sends a metadata filter with the search', async () => {
    const seen = fakeServer({
      'GET rucio/instances': () => ({ body: INSTANCES }),
      'GET rucio/vre/dids/search': () => ({
        status: 400,
        body: {
          error: 'filter_refused',
          message:
            'Rucio refused the filter. Keys this instance accepts: name, datatype.'
        }
      })
    });
    makeModel();
    await model.ready();
    await model.search('s:*', 'collection', 'nokey=1');
    const search = seen.find(r => r.path === 'rucio/vre/dids/search')!;
    expect(search.query.get('filter')).toBe('nokey=1');
    expect(search.query.get('type')).toBe('collection');
    expect(model.results!.error?.code).toBe('filter_refused');
  });

  it('keeps a failed page retryable and says why', async () => {
    let fail = true;
    fakeServer({
      'GET rucio/instances': () => ({ body: INSTANCES }),
      'GET rucio/vre/dids/search': () =>
        fail
          ? {
              status: 502,
              body: { error: 'backend_error', message: 'Rucio is down.' }
            }
          : { body: { items: [file('a')], next_cursor: null } }
    });
    makeModel();
    await model.ready();
    await model.search('s:*', 'all');
    expect(model.results!.error?.message).toBe('Rucio is down.');
    expect(model.rows.map(r => r.kind)).toEqual(['more']);
    fail = false;
    await model.results!.loadMore();
    expect(model.results!.error).toBeNull();
    expect(model.rows.map(r => r.kind)).toEqual(['did']);
  });

  it('asks file availability at most 100 at a time, and collections by their rules', async () => {
    const files = Array.from({ length: 150 }, (_, i) => file(`f${i}`));
    const seen = fakeServer({
      'GET rucio/instances': () => ({ body: INSTANCES }),
      'GET rucio/vre/dids/search': () => ({
        body: { items: [dataset('d', 3), ...files], next_cursor: null }
      }),
      'GET rucio/vre/availability': ({ query }) => ({
        body: {
          rse: 'MOUNT',
          files: query.getAll('did').map(did => ({
            did,
            state: did === 's:f0' ? 'available' : 'not_available',
            path: did === 's:f0' ? '/mnt/s/f0' : null
          }))
        }
      }),
      'GET rucio/vre/dids/rules': () => ({
        body: { rules: [rule('REPLICATING', 1, 2)] }
      }),
      'GET rucio/vre/dids/details': () => ({
        body: { did: { ...dataset('d', 3), bytes: 30 }, metadata: {} }
      })
    });
    makeModel();
    await model.ready();
    await model.search('s:*', 'all');
    const nodes = model.results!.nodes;
    await model.ensureStates(nodes);
    const calls = seen.filter(r => r.path === 'rucio/vre/availability');
    expect(calls.map(c => c.query.getAll('did').length)).toEqual([100, 50]);
    expect(model.stateOf('s:f0')).toEqual({
      state: 'available',
      path: '/mnt/s/f0'
    });
    expect(model.stateOf('s:f1').state).toBe('not_available');
    expect(model.stateOf('s:d')).toEqual({
      state: 'replicating',
      done: 1,
      total: 3
    });
    expect(model.itemOf(nodes[0]).bytes).toBe(30);
    // Known states are not asked again.
    await model.ensureStates(nodes);
    expect(seen.filter(r => r.path === 'rucio/vre/availability')).toHaveLength(
      2
    );
  });

  it('makes a DID available as a task and asks its state again when it ends', async () => {
    let available = false;
    let taskState: 'running' | 'succeeded' = 'running';
    const seen = fakeServer({
      'GET rucio/instances': () => ({ body: INSTANCES }),
      'GET rucio/vre/dids/search': () => ({
        body: { items: [file('a')], next_cursor: null }
      }),
      'POST rucio/vre/make-available': () => ({
        status: 202,
        body: task('t1', 'running')
      }),
      'GET tasks/t1': () => ({ body: task('t1', taskState) }),
      'GET tasks': () => ({ body: { tasks: [task('t1', taskState)] } }),
      'GET rucio/vre/availability': ({ query }) => ({
        body: {
          rse: 'MOUNT',
          files: query.getAll('did').map(did => ({
            did,
            state: available ? 'available' : 'not_available',
            path: available ? '/mnt/a' : null
          }))
        }
      })
    });
    makeModel();
    await model.ready();
    await model.search('s:a', 'all');
    const node = model.results!.nodes[0];
    await model.ensureStates([node]);
    expect(model.stateOf('s:a').state).toBe('not_available');
    await model.makeAvailable([node]);
    expect(seen.find(r => r.path === 'rucio/vre/make-available')!.body).toEqual(
      { dids: ['s:a'] }
    );
    expect(model.taskOf('s:a')?.state).toBe('running');
    const refreshed = new Promise<void>(resolve =>
      model.statesChanged.connect(() => {
        if (model.stateOf('s:a').state === 'available') {
          resolve();
        }
      })
    );
    available = true;
    taskState = 'succeeded';
    await connection.tasks.refresh();
    await refreshed;
    expect(model.stateOf('s:a')).toEqual({
      state: 'available',
      path: '/mnt/a'
    });
  });
});
