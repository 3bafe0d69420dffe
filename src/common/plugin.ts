import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { IVREConnection, VREConnection } from './connection';
import { readSetting } from './panel';

const PLUGIN_ID = 'jupyterlab-vre:common';

/**
 * Provides the shared connection to the server extensions, with the sign-in
 * state and the background tasks; owns the common settings.
 */
export const commonPlugin: JupyterFrontEndPlugin<IVREConnection> = {
  id: PLUGIN_ID,
  description: 'Shared connection, sign-in state and tasks of the VRE panels.',
  autoStart: true,
  provides: IVREConnection,
  optional: [ISettingRegistry, ITranslator],
  activate: async (
    app: JupyterFrontEnd,
    settings: ISettingRegistry | null,
    translator: ITranslator | null
  ): Promise<IVREConnection> => {
    const refreshSeconds = await readSetting(
      settings,
      PLUGIN_ID,
      'statusRefreshSeconds',
      60
    );
    return new VREConnection({
      serverSettings: app.serviceManager.serverSettings,
      refreshSeconds,
      trans: (translator ?? nullTranslator).load('jupyterlab_vre')
    });
  }
};
