import { AuthModel, IAuthStatus } from '../common/auth';
import { FakeServer } from './fakeServer';
import { authStatus, reanaConnection } from './samples';

let status: IAuthStatus;
let server: FakeServer;
let auth: AuthModel;

beforeEach(() => {
  status = authStatus(false);
  server = new FakeServer({
    'GET auth/status': () => ({ body: status }),
    'PUT credentials/reana/default': () => {
      status = authStatus(true);
      return { body: reanaConnection(true) };
    },
    'DELETE credentials/reana/default': () => {
      status = authStatus(false);
      return { body: reanaConnection(false) };
    }
  });
  auth = new AuthModel({ serverSettings: server.settings, refreshSeconds: 0 });
});

afterEach(() => {
  auth.dispose();
  jest.restoreAllMocks();
});

describe('AuthModel', () => {
  it("loads the sign-in state and lists one service's instances", async () => {
    expect(auth.status).toBeNull();
    await auth.refresh();
    expect(auth.status?.identity?.username).toBe('alice');
    expect(auth.connections('reana').map(c => c.instance)).toEqual(['default']);
    expect(auth.connections('rucio').map(c => c.display_name)).toEqual([
      'ESCAPE'
    ]);
  });

  it('stores a credential with PUT, shows it at once and asks again', async () => {
    await auth.refresh();
    const refresh = jest.spyOn(auth, 'refresh');
    const changed = jest.fn();
    auth.changed.connect(changed);

    const answer = await auth.setCredential('reana', 'default', {
      token: 's3cret'
    });

    expect(answer.connected).toBe(true);
    const put = server.requests.find(r => r.method === 'PUT');
    expect(put).toEqual({
      method: 'PUT',
      path: 'credentials/reana/default',
      body: { fields: { token: 's3cret' } }
    });
    expect(auth.connections('reana')[0].connected).toBe(true);
    expect(changed).toHaveBeenCalled();
    expect(refresh).toHaveBeenCalled();
  });

  it('clears a credential with DELETE', async () => {
    status = authStatus(true);
    await auth.refresh();
    const answer = await auth.clearCredential('reana', 'default');
    expect(answer.connected).toBe(false);
    expect(server.count('DELETE credentials/reana/default')).toBe(1);
    expect(auth.connections('reana')[0].connected).toBe(false);
  });

  it('rejects with the server error and keeps the last good state', async () => {
    await auth.refresh();
    await expect(
      auth.setCredential('reana', 'nowhere', { token: 'x' })
    ).rejects.toMatchObject({ status: 404, code: 'not_found' });

    jest.restoreAllMocks();
    server = new FakeServer({
      'GET auth/status': () => ({
        status: 502,
        body: { error: 'iam_unreachable', message: 'IAM did not answer.' }
      })
    });
    await auth.refresh();
    expect(auth.error?.message).toBe('IAM did not answer.');
    expect(auth.status?.identity?.username).toBe('alice');
  });
});
