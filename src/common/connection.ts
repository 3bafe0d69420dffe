import { ServerConnection } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { Token } from '@lumino/coreutils';

import { AuthModel } from './auth';
import { requestAPI } from './request';
import { TaskModel } from './tasks';
import type { Schema } from './api';

/** The three server extensions, by the last segment of their URL prefix. */
export type ServiceName = Schema<'ServiceConnection'>['service'];

/** What `GET /vre/api/<service>/status` answers. */
export type IExtensionStatus = Schema<'ExtensionStatus'>;

/** Shared access to the server side, provided by the common plugin. */
export interface IVREConnection {
  readonly serverSettings: ServerConnection.ISettings;
  /** Who the user is and which service instances have credentials. */
  readonly auth: AuthModel;
  /** The background tasks of all three services. */
  readonly tasks: TaskModel;
  /** Ask one server extension for its version and configuration state. */
  status(service: ServiceName): Promise<IExtensionStatus>;
}

export const IVREConnection = new Token<IVREConnection>(
  'jupyterlab-vre:IVREConnection',
  'Access to the jupyterlab-vre server extensions.'
);

export class VREConnection implements IVREConnection {
  constructor(options: VREConnection.IOptions) {
    const { serverSettings, refreshSeconds, trans } = options;
    this.serverSettings = serverSettings;
    this.auth = new AuthModel({ serverSettings, refreshSeconds });
    this.tasks = new TaskModel({ serverSettings, refreshSeconds, trans });
  }

  readonly serverSettings: ServerConnection.ISettings;
  readonly auth: AuthModel;
  readonly tasks: TaskModel;

  status(service: ServiceName): Promise<IExtensionStatus> {
    return requestAPI<IExtensionStatus>(
      `${service}/status`,
      {},
      this.serverSettings
    );
  }
}

export namespace VREConnection {
  export interface IOptions {
    serverSettings: ServerConnection.ISettings;
    /** Seconds between polls of the sign-in state and of idle tasks; 0: never. */
    refreshSeconds: number;
    trans: TranslationBundle;
  }
}
