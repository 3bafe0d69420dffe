import { IAuthStatus, IServiceConnection } from '../common/auth';
import { ITaskInfo } from '../common/tasks';

/** Answers shaped like vre_common/models.py, for the tests. */

export function reanaConnection(connected: boolean): IServiceConnection {
  return {
    service: 'reana',
    instance: 'default',
    display_name: 'REANA',
    auth: 'token',
    connected,
    source: connected ? 'user' : null,
    fields: ['token'],
    message: connected
      ? 'Credentials provided by you.'
      : 'Enter your token to connect to REANA.'
  };
}

export function authStatus(reanaConnected = false): IAuthStatus {
  return {
    identity: {
      subject: 'a1b2',
      username: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.org',
      issuer: 'http://127.0.0.1:8185/'
    },
    token: {
      configured: true,
      source: 'refresh',
      expires_at: '2030-01-01T12:00:00Z',
      refreshable: true,
      error: null
    },
    services: [
      {
        service: 'rucio',
        instance: 'escape',
        display_name: 'ESCAPE',
        auth: 'iam',
        connected: true,
        source: 'iam',
        fields: [],
        message: 'Uses your IAM login.'
      },
      reanaConnection(reanaConnected),
      {
        service: 'zenodo',
        instance: 'sandbox',
        display_name: 'Zenodo sandbox',
        auth: 'token',
        connected: true,
        source: 'admin',
        fields: ['token'],
        message: 'Credentials provided by your hub admin.'
      }
    ]
  };
}

export function task(
  id: string,
  state: ITaskInfo['state'],
  overrides: Partial<ITaskInfo> = {}
): ITaskInfo {
  return {
    id,
    kind: 'rucio.make_available',
    title: `Make ${id} available`,
    state,
    progress: { done: 1_500_000, total: 3_000_000, unit: 'bytes' },
    error: null,
    result: null,
    created_at: '2030-01-01T10:00:00Z',
    updated_at: '2030-01-01T10:00:05Z',
    ...overrides
  };
}
