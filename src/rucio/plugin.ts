import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { IVREConnection } from '../common/connection';
import { PALETTE_CATEGORY, sidebarPanelPlugin } from '../common/panel';
import { asAPIError } from '../common/request';
import svgstr from '../../style/icons/rucio.svg';
import { attachmentsStatus } from './AttachmentsStatus';
import { RucioModel } from './model';
import { NotebookAttachments } from './notebooks';
import { RucioView } from './RucioView';
import { IRucioModel } from './tokens';
import { askUpload } from './UploadDialog';

export const rucioIcon = new LabIcon({ name: 'jupyterlab-vre:rucio', svgstr });

const PANEL_ID = 'jp-vre-rucio-panel';

/** The one Rucio model, for the panel, the notebook attachments and the lifecycle. */
export const rucioModelPlugin: JupyterFrontEndPlugin<IRucioModel> = {
  id: 'jupyterlab-vre:rucio-model',
  description: 'Provides the Rucio model.',
  autoStart: true,
  requires: [IVREConnection],
  provides: IRucioModel,
  activate: (_: JupyterFrontEnd, connection: IVREConnection) =>
    new RucioModel(connection)
};

export const rucioPlugin = sidebarPanelPlugin({
  service: 'rucio',
  icon: rucioIcon,
  description:
    'Find data in Rucio and make it available next to your notebooks.',
  title: trans => trans.__('Rucio'),
  caption: trans =>
    trans.__('Find data in Rucio and make it available next to your notebooks'),
  model: IRucioModel,
  content: (ctx, model) =>
    React.createElement(RucioView, { model, trans: ctx.trans, app: ctx.app })
});

export const CommandIDs = {
  attach: 'jupyterlab-vre:rucio-attach',
  inject: 'jupyterlab-vre:rucio-inject',
  verify: 'jupyterlab-vre:rucio-verify',
  upload: 'jupyterlab-vre:rucio-upload'
};

/**
 * Notebook attachments: DIDs as kernel variables, injected whenever the
 * kernel starts or restarts; a toolbar report in each notebook.
 */
export const rucioNotebookPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:rucio-notebooks',
  description: 'Attach Rucio DIDs to notebooks as kernel variables.',
  autoStart: true,
  requires: [IRucioModel, INotebookTracker],
  optional: [ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    model: IRucioModel,
    tracker: INotebookTracker,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_vre');
    void model.ready();
    const notebooks = new NotebookAttachments({ tracker, model, trans });
    model.setNotebooks(notebooks);
    const openPanel = () => app.shell.activateById(PANEL_ID);
    notebooks.added.connect((_, { panel, injector }) => {
      panel.toolbar.insertAfter(
        'cellType',
        'vre-rucio-attachments',
        attachmentsStatus(injector, trans, openPanel)
      );
    });

    const hasNotebook = () => tracker.currentWidget !== null;
    app.commands.addCommand(CommandIDs.attach, {
      label: trans.__('Attach a Rucio DID to the notebook…'),
      isEnabled: hasNotebook,
      execute: async args => {
        await model.ready();
        const did = args.did as string | undefined;
        const instance =
          (args.instance as string | undefined) ??
          model.instance?.name ??
          model.defaultInstance;
        if (!did) {
          openPanel();
          Notification.info(
            trans.__(
              'Search for the DID in the Rucio panel, select it and choose Attach to notebook.'
            ),
            { autoClose: 5000 }
          );
          return;
        }
        if (!instance) {
          return;
        }
        return notebooks.attach(instance, did);
      }
    });
    app.commands.addCommand(CommandIDs.inject, {
      label: trans.__('Inject the Rucio attachments into the kernel again'),
      isEnabled: hasNotebook,
      execute: () => notebooks.current?.inject()
    });
    app.commands.addCommand(CommandIDs.verify, {
      label: trans.__('Verify the checksums of the selected Rucio DID'),
      caption: trans.__(
        'Read every byte of its files where notebooks read them and compare them with Rucio’s adler32'
      ),
      isEnabled: () => model.selected !== null,
      execute: async () => {
        const node = model.selected;
        if (!node) {
          return;
        }
        try {
          await model.verifyChecksums(node);
          Notification.info(
            trans.__('Verifying the checksums of %1…', node.did),
            { autoClose: 3000 }
          );
        } catch (error) {
          Notification.error(
            trans.__(
              'Verify checksums of %1 failed: %2',
              node.did,
              asAPIError(error).message
            ),
            { autoClose: false }
          );
        }
      }
    });
    for (const command of [
      CommandIDs.attach,
      CommandIDs.inject,
      CommandIDs.verify
    ]) {
      palette?.addItem({ command, category: trans.__(PALETTE_CATEGORY) });
    }
  }
};

/** "Upload to Rucio…" in the file browser's context menu, as a task. */
export const rucioUploadPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:rucio-upload',
  description: 'Upload files and folders of the workspace to Rucio.',
  autoStart: true,
  requires: [IVREConnection, IRucioModel, IFileBrowserFactory],
  optional: [ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    connection: IVREConnection,
    model: IRucioModel,
    browsers: IFileBrowserFactory,
    translator: ITranslator | null,
    palette: ICommandPalette | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_vre');
    const selected = () => {
      const browser = browsers.tracker.currentWidget;
      const item = browser?.selectedItems().next();
      return item && !item.done ? item.value.path : null;
    };
    app.commands.addCommand(CommandIDs.upload, {
      label: trans.__('Upload to Rucio…'),
      caption: trans.__('Upload the selected file or folder to Rucio'),
      isEnabled: () => selected() !== null,
      execute: async args => {
        const path = (args.path as string | undefined) ?? selected();
        if (!path) {
          return;
        }
        await model.ready();
        const request = await askUpload({
          path,
          instances: [...model.instances],
          defaultInstance: model.instance?.name ?? model.defaultInstance,
          service: model.service,
          trans
        });
        if (!request) {
          return;
        }
        const { instance, ...body } = request;
        try {
          const task = await model.service.upload(instance, body);
          Notification.info(trans.__('Uploading %1 to Rucio…', path), {
            autoClose: 3000
          });
          void connection.tasks.watch(task.id).catch(() => undefined);
          app.shell.activateById(PANEL_ID);
        } catch (error) {
          Notification.error(
            trans.__('Upload to Rucio failed: %1', asAPIError(error).message),
            { autoClose: false }
          );
        }
      }
    });
    app.contextMenu.addItem({
      command: CommandIDs.upload,
      selector: '.jp-DirListing-item[data-isdir="false"]',
      rank: 10
    });
    app.contextMenu.addItem({
      command: CommandIDs.upload,
      selector: '.jp-DirListing-item[data-isdir="true"]',
      rank: 10
    });
    palette?.addItem({
      command: CommandIDs.upload,
      category: trans.__(PALETTE_CATEGORY)
    });
  }
};
