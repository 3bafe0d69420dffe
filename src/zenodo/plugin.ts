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
import svgstr from '../../style/icons/zenodo.svg';

export const zenodoIcon = new LabIcon({
  name: 'jupyterlab-vre:zenodo',
  svgstr
});

export const zenodoPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:zenodo',
  description: 'Publish results to Zenodo with a DOI.',
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
      service: 'zenodo',
      pluginId: 'jupyterlab-vre:zenodo',
      title: trans.__('Zenodo'),
      caption: trans.__('Publish results to Zenodo with a DOI'),
      icon: zenodoIcon,
      connection,
      trans,
      settings,
      palette
    });
  }
};
