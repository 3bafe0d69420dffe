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
import svgstr from '../../style/icons/reana.svg';

export const reanaIcon = new LabIcon({ name: 'jupyterlab-vre:reana', svgstr });

export const reanaPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:reana',
  description: 'Run reproducible workflows on REANA.',
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
      service: 'reana',
      pluginId: 'jupyterlab-vre:reana',
      title: trans.__('REANA'),
      caption: trans.__('Run reproducible workflows on REANA'),
      icon: reanaIcon,
      connection,
      trans,
      settings,
      palette
    });
  }
};
