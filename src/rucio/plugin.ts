import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';

import { IVREConnection } from '../common/connection';
import { addSidebarPanel } from '../common/panel';
import svgstr from '../../style/icons/rucio.svg';

export const rucioIcon = new LabIcon({ name: 'jupyterlab-vre:rucio', svgstr });

export const rucioPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:rucio',
  description:
    'Find data in Rucio and make it available next to your notebooks.',
  autoStart: true,
  requires: [IVREConnection],
  optional: [ITranslator, ISettingRegistry, ICommandPalette],
  activate: async (
    app: JupyterFrontEnd,
    connection: IVREConnection,
    translator: ITranslator | null,
    settings: ISettingRegistry | null,
    palette: ICommandPalette | null
  ): Promise<void> => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_vre');
    await addSidebarPanel(app, {
      service: 'rucio',
      pluginId: 'jupyterlab-vre:rucio',
      title: trans.__('Rucio'),
      caption: trans.__(
        'Find data in Rucio and make it available next to your notebooks'
      ),
      icon: rucioIcon,
      connection,
      trans,
      settings,
      palette
    });
  }
};
