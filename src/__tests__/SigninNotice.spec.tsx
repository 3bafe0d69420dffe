import { nullTranslator } from '@jupyterlab/translation';
import { act, render, screen } from '@testing-library/react';
import React from 'react';

import { AuthModel, IAuthStatus } from '../common/auth';
import { requestAPI, VREAPIError } from '../common/request';
import { SigninNotice } from '../common/SigninNotice';
import { FakeServer } from './fakeServer';
import { authStatus } from './samples';

const trans = nullTranslator.load('jupyterlab_vre');
const SIGNIN = {
  error: 'signin_required',
  message: 'Your IAM session has ended: sign in to the hub again.',
  login_url: '/hub/login'
};

let status: IAuthStatus;
let server: FakeServer;
let auth: AuthModel;

function hubSessionEnded(): IAuthStatus {
  const ok = authStatus();
  return {
    ...ok,
    identity: null,
    token: { ...ok.token, source: null, error: SIGNIN }
  };
}

beforeEach(() => {
  status = authStatus();
  server = new FakeServer({
    'GET auth/status': () => ({ body: status }),
    'GET rucio/escape/account': () => ({ status: 401, body: SIGNIN })
  });
  auth = new AuthModel({ serverSettings: server.settings, refreshSeconds: 0 });
});

afterEach(() => {
  auth.dispose();
  jest.restoreAllMocks();
});

describe('SigninNotice', () => {
  it('stays hidden while the hub renews the tokens', async () => {
    render(<SigninNotice auth={auth} trans={trans} />);
    await act(() => auth.refresh());
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("shows 'Sign in again' with the hub's login as soon as any call answers signin_required", async () => {
    render(<SigninNotice auth={auth} trans={trans} />);
    await act(() => auth.refresh());
    status = hubSessionEnded();
    await act(async () => {
      await expect(
        requestAPI('rucio/escape/account', {}, server.settings)
      ).rejects.toEqual(expect.any(VREAPIError));
      await auth.refresh();
    });
    const link = screen.getByRole('link', { name: 'Sign in again' });
    expect(link.getAttribute('href')).toBe('/hub/login');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(auth.signinUrl).toBe('/hub/login');
  });

  it('goes away once the user has signed in again, in the same page', async () => {
    status = hubSessionEnded();
    render(<SigninNotice auth={auth} trans={trans} />);
    await act(() => auth.refresh());
    expect(screen.getByRole('alert')).toBeTruthy();
    status = authStatus(); // signed in again in another tab
    await act(() => auth.refresh());
    expect(screen.queryByRole('alert')).toBeNull();
    expect(auth.signinUrl).toBeNull();
  });
});
