import { ServerConnection } from '@jupyterlab/services';

import { PolledModel } from './polled';
import { requestAPI, signinRequired } from './request';
import type { ServiceName } from './connection';
import type { Schema } from './api';

/** Who the IAM token says the user is. */
export type IIdentity = Schema<'Identity'>;

/** The IAM access token's state; never the token. */
export type ITokenState = Schema<'TokenState'>;

/** Whether one instance of one service has usable credentials. */
export type IServiceConnection = Schema<'ServiceConnection'>;

/** What `GET /vre/api/auth/status` answers. */
export type IAuthStatus = Schema<'AuthStatus'>;

function credentialPath(service: ServiceName, instance: string): string {
  return `credentials/${service}/${encodeURIComponent(instance)}`;
}

/**
 * Who the user is and which service instances they are connected to, polled
 * from `auth/status`; stores and clears the user's own credentials.
 */
export class AuthModel extends PolledModel<IAuthStatus> {
  constructor(options: AuthModel.IOptions) {
    super('jupyterlab-vre:auth', options.refreshSeconds);
    this._serverSettings = options.serverSettings;
    this._refreshSeconds = options.refreshSeconds;
    signinRequired.connect(this._onSigninRequired, this);
  }

  /**
   * The hub's login page while the hub cannot renew the user's IAM tokens, else null.
   * Set by any endpoint's `signin_required` answer; cleared by the next good status,
   * so the open tab goes on working once the user has signed in again.
   */
  get signinUrl(): string | null {
    const error = this._status?.token.error;
    if (error?.error === 'signin_required' && error.login_url) {
      return error.login_url;
    }
    return this._signinUrl;
  }

  dispose(): void {
    signinRequired.disconnect(this._onSigninRequired, this);
    super.dispose();
  }

  /** The last status; null until the first answer. */
  get status(): IAuthStatus | null {
    return this._status;
  }

  /** The instances of one service, in the server's order. */
  connections(service: ServiceName): IServiceConnection[] {
    return this._status?.services.filter(s => s.service === service) ?? [];
  }

  /** Store the user's credential for an instance; resolves to its new state. */
  setCredential(
    service: ServiceName,
    instance: string,
    fields: Record<string, string>
  ): Promise<IServiceConnection> {
    return this._change(service, instance, {
      method: 'PUT',
      body: JSON.stringify({ fields })
    });
  }

  /** Forget the user's credential for an instance; resolves to its new state. */
  clearCredential(
    service: ServiceName,
    instance: string
  ): Promise<IServiceConnection> {
    return this._change(service, instance, { method: 'DELETE' });
  }

  protected fetch(): Promise<IAuthStatus> {
    return requestAPI<IAuthStatus>('auth/status', {}, this._serverSettings);
  }

  protected apply(status: IAuthStatus): void {
    this._status = status;
    const waiting = status.token.error?.error === 'signin_required';
    if (!waiting) {
      this._signinUrl = null;
    }
    if (waiting !== this._waiting) {
      // while the user signs in (in another tab) look often, to clear the message soon after
      this._waiting = waiting;
      this.pollEvery(waiting ? SIGNIN_POLL_SECONDS : this._refreshSeconds);
    }
  }

  private _onSigninRequired(_: unknown, loginUrl: string): void {
    if (this._signinUrl !== loginUrl) {
      this._signinUrl = loginUrl;
      void this.refresh();
    }
  }

  private async _change(
    service: ServiceName,
    instance: string,
    init: RequestInit
  ): Promise<IServiceConnection> {
    const changed = await requestAPI<IServiceConnection>(
      credentialPath(service, instance),
      init,
      this._serverSettings
    );
    if (this._status) {
      const services = this._status.services.map(s =>
        s.service === service && s.instance === instance ? changed : s
      );
      this.update({ ...this._status, services });
    }
    void this.refresh();
    return changed;
  }

  private _serverSettings: ServerConnection.ISettings;
  private _status: IAuthStatus | null = null;
  private _refreshSeconds: number;
  private _signinUrl: string | null = null;
  private _waiting = false;
}

/** How often the sign-in state is checked while the user is asked to sign in again. */
const SIGNIN_POLL_SECONDS = 3;

export namespace AuthModel {
  export interface IOptions {
    serverSettings: ServerConnection.ISettings;
    /** Seconds between polls; 0 polls only on `refresh()`. */
    refreshSeconds: number;
  }
}
