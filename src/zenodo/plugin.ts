import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { MainAreaWidget, ReactWidget } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { IVREConnection } from '../common/connection';
import { sidebarPanelPlugin } from '../common/panel';
import svgstr from '../../style/icons/zenodo.svg';
import { IDeposition, zenodoClient } from './api';
import { PublishView } from './PublishView';
import { defaultCommunity, ZenodoPanelContent } from './ZenodoPanelContent';

export const zenodoIcon = new LabIcon({
  name: 'jupyterlab-vre:zenodo',
  svgstr
});

let opened = 0;

/** Open the publishing view in the main area, for a workspace path or a draft. */
export async function openPublish(
  app: JupyterFrontEnd,
  connection: IVREConnection,
  trans: TranslationBundle,
  target: { path: string | null; isDir: boolean; draft: IDeposition | null }
): Promise<void> {
  const community = await defaultCommunity(connection);
  const content = ReactWidget.create(
    React.createElement(PublishView, {
      client: zenodoClient(connection.serverSettings),
      connection,
      trans,
      path: target.path,
      isDir: target.isDir,
      draft: target.draft,
      defaultCommunity: community
    })
  );
  const widget = new MainAreaWidget({ content });
  widget.id = `jp-vre-zenodo-publish-${++opened}`;
  widget.title.label = target.path
    ? trans.__('Zenodo: %1', target.path)
    : trans.__('Zenodo: draft #%1', target.draft?.id ?? '');
  widget.title.icon = zenodoIcon;
  widget.title.closable = true;
  widget.addClass('jp-vre-ZenodoPublishWidget');
  app.shell.add(widget, 'main');
  app.shell.activateById(widget.id);
}

export const zenodoPlugin = sidebarPanelPlugin({
  service: 'zenodo',
  icon: zenodoIcon,
  description: 'Publish results to Zenodo with a DOI.',
  title: trans => trans.__('Zenodo'),
  caption: trans => trans.__('Publish results to Zenodo with a DOI'),
  content: ctx =>
    React.createElement(ZenodoPanelContent, {
      connection: ctx.connection,
      trans: ctx.trans,
      onContinue: (draft: IDeposition) =>
        void openPublish(ctx.app, ctx.connection, ctx.trans, {
          path: null,
          isDir: false,
          draft
        })
    })
});

export const PUBLISH_COMMAND = 'jupyterlab-vre:zenodo-publish';

/** "Publish to Zenodo…" on a file or folder in the file browser. */
export const zenodoCommandsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:zenodo-commands',
  description: 'Publish a workspace file or folder to Zenodo.',
  autoStart: true,
  requires: [IVREConnection, IDefaultFileBrowser],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    connection: IVREConnection,
    browser: IDefaultFileBrowser,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_vre');
    app.commands.addCommand(PUBLISH_COMMAND, {
      label: trans.__('Publish to Zenodo…'),
      caption: trans.__('Publish this file or folder with a DOI'),
      icon: zenodoIcon,
      isEnabled: () => !browser.selectedItems().next().done,
      execute: async () => {
        const item = browser.selectedItems().next().value;
        if (!item) {
          return;
        }
        await openPublish(app, connection, trans, {
          path: item.path,
          isDir: item.type === 'directory',
          draft: null
        });
      }
    });
    for (const isDir of ['true', 'false']) {
      app.contextMenu.addItem({
        command: PUBLISH_COMMAND,
        selector: `.jp-DirListing-item[data-isdir="${isDir}"]`,
        rank: 12
      });
    }
  }
};
