import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { AuthModel, IAuthStatus } from '../common/auth';
import { ConnectionView } from '../common/ConnectionView';
import { FakeServer, IFakeAnswer } from './fakeServer';
import { authStatus, reanaConnection } from './samples';

const trans = nullTranslator.load('jupyterlab_vre');

let status: IAuthStatus;
let putAnswer: () => IFakeAnswer;
let server: FakeServer;
let auth: AuthModel;

async function show(service: 'rucio' | 'reana' | 'zenodo') {
  const view = render(
    <ConnectionView auth={auth} service={service} trans={trans} />
  );
  await act(() => auth.refresh());
  return view;
}

beforeEach(() => {
  status = authStatus(false);
  putAnswer = () => {
    status = authStatus(true);
    return { body: reanaConnection(true) };
  };
  server = new FakeServer({
    'GET auth/status': () => ({ body: status }),
    'PUT credentials/reana/default': () => putAnswer(),
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

describe('ConnectionView', () => {
  it('shows who is signed in and how each instance is connected', async () => {
    await show('rucio');
    expect(screen.getByText('Signed in as alice')).toBeTruthy();
    expect(screen.getByText('ESCAPE')).toBeTruthy();
    expect(screen.getByText('Connected')).toBeTruthy();
    expect(screen.getByText('With your IAM login.')).toBeTruthy();
    expect(screen.queryByText('REANA')).toBeNull(); // another service's
    expect(screen.queryByRole('form')).toBeNull(); // IAM: nothing to enter
  });

  it('says why the user is not signed in', async () => {
    status = {
      ...authStatus(false),
      identity: null,
      token: {
        configured: false,
        source: null,
        expires_at: null,
        refreshable: false,
        error: { error: 'no_token', message: 'No IAM token is configured.' }
      }
    };
    await show('zenodo');
    expect(screen.getByText('Not signed in')).toBeTruthy();
    expect(screen.getByText('No IAM token is configured.')).toBeTruthy();
    expect(
      screen.getByText('With credentials from your hub admin.')
    ).toBeTruthy();
    expect(screen.queryByText('Disconnect')).toBeNull(); // not the user's own
  });

  it('sends the token, forgets it at once and shows the instance connected', async () => {
    const { container } = await show('reana');
    expect(screen.getByText('Not connected')).toBeTruthy();
    expect(
      screen.getByText('Enter your token to connect to REANA.')
    ).toBeTruthy();
    const input = screen.getByLabelText('Access token') as HTMLInputElement;
    expect(input.type).toBe('password');

    fireEvent.change(input, { target: { value: 's3cret' } });
    fireEvent.click(screen.getByText('Connect'));
    expect(input.value).toBe(''); // cleared before the server has answered
    expect(server.count('PUT credentials/reana/default')).toBe(1);

    expect(server.requests.find(r => r.method === 'PUT')).toEqual({
      method: 'PUT',
      path: 'credentials/reana/default',
      body: { fields: { token: 's3cret' } }
    });
    expect(await screen.findByText('Connected')).toBeTruthy();
    expect(screen.getByText('With the credentials you entered.')).toBeTruthy();
    expect(screen.queryByLabelText('Access token')).toBeNull();
    expect(container.innerHTML).not.toContain('s3cret');
  });

  it('shows why a credential was refused, with the input emptied', async () => {
    putAnswer = () => ({
      status: 400,
      body: { error: 'missing_field', message: 'Missing token.' }
    });
    await show('reana');
    const input = screen.getByLabelText('Access token') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '   x' } });
    await act(async () => {
      fireEvent.click(screen.getByText('Connect'));
    });
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Missing token.'
    );
    expect(input.value).toBe('');
  });

  it('disconnects credentials the user stored', async () => {
    status = authStatus(true);
    await show('reana');
    await act(async () => {
      fireEvent.click(screen.getByText('Disconnect'));
    });
    expect(server.count('DELETE credentials/reana/default')).toBe(1);
    expect(await screen.findByText('Not connected')).toBeTruthy();
    expect(screen.getByLabelText('Access token')).toBeTruthy();
  });
});
