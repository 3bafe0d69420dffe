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
import { emptyForm, IDeposition, ZenodoClient } from './api';
import { PublishView } from './PublishView';
import { IZenodo } from './tokens';
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
  client: ZenodoClient,
  trans: TranslationBundle,
  target: { path: string | null; isDir: boolean; draft: IDeposition | null }
): Promise<void> {
  const community = await defaultCommunity(connection);
  const content = ReactWidget.create(
    React.createElement(PublishView, {
      client,
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

/** The one Zenodo client and its review, for the panel, the commands and the lifecycle. */
export const zenodoModelPlugin: JupyterFrontEndPlugin<IZenodo> = {
  id: 'jupyterlab-vre:zenodo-model',
  description: 'Provides the Zenodo client and the publish review.',
  autoStart: true,
  requires: [IVREConnection],
  optional: [ITranslator],
  provides: IZenodo,
  activate: (
    app: JupyterFrontEnd,
    connection: IVREConnection,
    translator: ITranslator | null
  ): IZenodo => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_vre');
    const client = new ZenodoClient(connection.serverSettings);
    return {
      client,
      newForm: title => emptyForm(title, null),
      review: draft =>
        openPublish(app, connection, client, trans, {
          path: null,
          isDir: false,
          draft
        })
    };
  }
};

export const zenodoPlugin = sidebarPanelPlugin({
  service: 'zenodo',
  icon: zenodoIcon,
  description: 'Publish results to Zenodo with a DOI.',
  title: trans => trans.__('Zenodo'),
  caption: trans => trans.__('Publish results to Zenodo with a DOI'),
  model: IZenodo,
  content: (ctx, zenodo) =>
    React.createElement(ZenodoPanelContent, {
      client: zenodo.client,
      connection: ctx.connection,
      trans: ctx.trans,
      onContinue: (draft: IDeposition) => void zenodo.review(draft)
    })
});

export const PUBLISH_COMMAND = 'jupyterlab-vre:zenodo-publish';

/** "Publish to Zenodo…" on a file or folder in the file browser. */
export const zenodoCommandsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:zenodo-commands',
  description: 'Publish a workspace file or folder to Zenodo.',
  autoStart: true,
  requires: [IVREConnection, IZenodo, IDefaultFileBrowser],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    connection: IVREConnection,
    zenodo: IZenodo,
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
        await openPublish(app, connection, zenodo.client, trans, {
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
