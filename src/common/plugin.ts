import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { IVREConnection, VREConnection } from './connection';

/** Provides the shared connection to the server extensions; owns the common settings. */
export const commonPlugin: JupyterFrontEndPlugin<IVREConnection> = {
  id: 'jupyterlab-vre:common',
  description: 'Shared connection and settings of the VRE panels.',
  autoStart: true,
  provides: IVREConnection,
  optional: [ISettingRegistry],
  activate: (app: JupyterFrontEnd): IVREConnection =>
    new VREConnection(app.serviceManager.serverSettings)
};
