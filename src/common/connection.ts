import { ServerConnection } from '@jupyterlab/services';
import { Token } from '@lumino/coreutils';

import { requestAPI } from './request';

/** The three server extensions, by the last segment of their URL prefix. */
export type ServiceName = 'rucio' | 'reana' | 'zenodo';

/** What `GET /vre/api/<service>/status` answers. */
export interface IExtensionStatus {
  extension: string;
  version: string;
  configured: boolean;
  message: string;
  details: Record<string, unknown>;
}

/** Shared access to the server side, provided by the common plugin. */
export interface IVREConnection {
  readonly serverSettings: ServerConnection.ISettings;
  /** Ask one server extension for its version and configuration state. */
  status(service: ServiceName): Promise<IExtensionStatus>;
}

export const IVREConnection = new Token<IVREConnection>(
  'jupyterlab-vre:IVREConnection',
  'Access to the jupyterlab-vre server extensions.'
);

export class VREConnection implements IVREConnection {
  constructor(
    readonly serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  status(service: ServiceName): Promise<IExtensionStatus> {
    return requestAPI<IExtensionStatus>(
      `${service}/status`,
      {},
      this.serverSettings
    );
  }
}
