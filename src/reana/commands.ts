import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { FileDialog, IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { IVREConnection } from '../common/connection';
import { asAPIError } from '../common/request';
import { RUN_WORKFLOW_COMMAND } from './ReanaView';
import { askToRun, workflowName } from './RunDialog';
import { IReanaWorkflows } from './tokens';

export const RUN_COMMAND = 'jupyterlab-vre:run-on-reana';
const SPEC_NAMES = ['reana.yaml', 'reana.yml'];
const PANEL_ID = 'jp-vre-reana-panel';

/**
 * "Run on REANA" on a reana.yaml or a folder in the file browser: validate,
 * ask for a name and parameters, then create, upload and start as one task,
 * and follow the run in the REANA panel.
 */
export const reanaCommandsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:reana-commands',
  description: 'Run a folder with a reana.yaml on REANA from the file browser.',
  autoStart: true,
  requires: [IVREConnection, IReanaWorkflows, IDefaultFileBrowser],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    connection: IVREConnection,
    model: IReanaWorkflows,
    browser: IDefaultFileBrowser,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_vre');
    const selected = () => browser.selectedItems().next()?.value ?? null;

    app.commands.addCommand(RUN_COMMAND, {
      label: trans.__('Run on REANA…'),
      caption: trans.__('Validate this reana.yaml and run it on REANA'),
      isVisible: args => {
        if (typeof args.path === 'string') {
          return true;
        }
        const item = selected();
        return (
          !!item &&
          (item.type === 'directory' || SPEC_NAMES.includes(item.name))
        );
      },
      execute: async args => {
        // From the panel: args.path, a folder or a reana.yaml; from the file browser: the selection.
        const item =
          typeof args.path === 'string'
            ? {
                path: args.path,
                type: SPEC_NAMES.includes(PathExt.basename(args.path))
                  ? 'file'
                  : 'directory'
              }
            : selected();
        if (!item) {
          return;
        }
        const folder =
          item.type === 'directory' ? item.path : PathExt.dirname(item.path);
        try {
          const report = await model.client.validate(item.path);
          const choice = await askToRun(
            report,
            workflowName(PathExt.basename(folder) || 'workflow'),
            trans
          );
          if (!choice) {
            return;
          }
          const task = await model.client.run(
            item.path,
            choice.name,
            choice.parameters
          );
          app.shell.activateById(PANEL_ID);
          const ended = await connection.tasks.watch(task.id);
          const id = ended.result?.workflow_id;
          if (ended.state === 'succeeded' && typeof id === 'string') {
            // Submitted, not done: the model says when the run itself ends.
            Notification.info(
              trans.__(
                'REANA workflow %1 submitted: its inputs are uploaded and it is queued. You will be told when it finishes.',
                String(ended.result?.workflow_name ?? choice.name)
              ),
              { autoClose: 5000 }
            );
            model.selected = id;
            await model.follow(id);
          }
        } catch (reason) {
          Notification.error(
            trans.__('Run on REANA: %1', asAPIError(reason).message),
            { autoClose: false }
          );
        }
      }
    });

    app.commands.addCommand(RUN_WORKFLOW_COMMAND, {
      label: trans.__('Run workflow…'),
      caption: trans.__(
        'Choose a folder with a reana.yaml and run it on REANA'
      ),
      execute: async () => {
        const picked = await FileDialog.getOpenFiles({
          manager: browser.model.manager,
          title: trans.__(
            'Run a workflow on REANA: choose its folder or reana.yaml'
          ),
          filter: item =>
            item.type === 'directory' || SPEC_NAMES.includes(item.name)
              ? {}
              : null
        });
        const chosen = picked.button.accept ? picked.value?.[0] : undefined;
        if (chosen) {
          await app.commands.execute(RUN_COMMAND, { path: chosen.path });
        }
      }
    });

    for (const isdir of ['true', 'false']) {
      app.contextMenu.addItem({
        command: RUN_COMMAND,
        selector: `.jp-DirListing-item[data-isdir="${isdir}"]`,
        rank: 60
      });
    }
  }
};
