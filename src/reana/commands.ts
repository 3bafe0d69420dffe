import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { IVREConnection } from '../common/connection';
import { asAPIError } from '../common/request';
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
      isVisible: () => {
        const item = selected();
        return (
          !!item &&
          (item.type === 'directory' || SPEC_NAMES.includes(item.name))
        );
      },
      execute: async () => {
        const item = selected();
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

    for (const isdir of ['true', 'false']) {
      app.contextMenu.addItem({
        command: RUN_COMMAND,
        selector: `.jp-DirListing-item[data-isdir="${isdir}"]`,
        rank: 60
      });
    }
  }
};
