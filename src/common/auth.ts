import { ServerConnection } from '@jupyterlab/services';

import { PolledModel } from './polled';
import { requestAPI } from './request';
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
}

export namespace AuthModel {
  export interface IOptions {
    serverSettings: ServerConnection.ISettings;
    /** Seconds between polls; 0 polls only on `refresh()`. */
    refreshSeconds: number;
  }
}
