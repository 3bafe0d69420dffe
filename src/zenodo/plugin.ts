import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  MainAreaWidget,
  Notification,
  ReactWidget
} from '@jupyterlab/apputils';
import { FileDialog, IDefaultFileBrowser } from '@jupyterlab/filebrowser';
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
import {
  currentNotebook,
  insertCell,
  IRecordFileRef,
  notebookLanguage,
  recordFileCode
} from './insert';
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
  target: {
    path: string | null;
    isDir: boolean;
    draft: IDeposition | null;
    /** A published record whose metadata is edited (no files are uploaded). */
    published?: IDeposition;
  }
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
      published: target.published ?? null,
      defaultCommunity: community
    })
  );
  const widget = new MainAreaWidget({ content });
  widget.id = `jp-vre-zenodo-publish-${++opened}`;
  widget.title.label = target.published
    ? trans.__('Zenodo: edit #%1', target.published.id)
    : target.path
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
      onContinue: (draft: IDeposition) => void zenodo.review(draft),
      onPublish: () => void ctx.app.commands.execute(CHOOSE_COMMAND),
      onEdit: (published: IDeposition) =>
        void openPublish(ctx.app, ctx.connection, zenodo.client, ctx.trans, {
          path: null,
          isDir: false,
          draft: null,
          published
        }),
      onInsert: async (file: IRecordFileRef) => {
        const notebook = currentNotebook(ctx.app);
        if (!notebook) {
          Notification.warning(
            ctx.trans.__('Open a notebook first: the cell goes into it.'),
            { autoClose: 5000 }
          );
          return;
        }
        const language = await notebookLanguage(notebook);
        insertCell(notebook, recordFileCode(language, file));
        Notification.success(
          ctx.trans.__(
            'A cell that reads %1 is in %2.',
            file.name,
            notebook.title.label
          ),
          { autoClose: 3000 }
        );
      }
    })
});

/** "Publish…" in the panel: choose a workspace file or folder, then the publishing view. */
export const CHOOSE_COMMAND = 'jupyterlab-vre:zenodo-publish-choose';

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
    app.commands.addCommand(CHOOSE_COMMAND, {
      label: trans.__('Publish to Zenodo…'),
      caption: trans.__(
        'Choose a workspace file or folder to publish with a DOI'
      ),
      icon: zenodoIcon,
      execute: async () => {
        const picked = await FileDialog.getOpenFiles({
          manager: browser.model.manager,
          title: trans.__('Publish to Zenodo: choose a file or folder')
        });
        const chosen = picked.button.accept ? picked.value?.[0] : undefined;
        if (chosen) {
          await openPublish(app, connection, zenodo.client, trans, {
            path: chosen.path,
            isDir: chosen.type === 'directory',
            draft: null
          });
        }
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
