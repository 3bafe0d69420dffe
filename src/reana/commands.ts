import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  MainAreaWidget,
  Notification,
  ReactWidget
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { FileDialog, IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import React from 'react';

import { IVREConnection } from '../common/connection';
import { asAPIError } from '../common/request';
import { ReanaClient } from './api';
import { GraphView } from './GraphView';
import { RUN_WORKFLOW_COMMAND } from './ReanaView';
import { GRAPH_COMMAND } from './WorkflowDetails';
import { askToRun, workflowName } from './RunDialog';
import { IReanaWorkflows } from './tokens';

export const RUN_COMMAND = 'jupyterlab-vre:run-on-reana';
/**
 * Open a workflow's graph in the main area. Args: `workflow` (id or name, required),
 * `path` (the workflow's folder; needed for Yadage, whose specification REANA does not
 * keep), `label` (the tab's title).
 */
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

    app.commands.addCommand(GRAPH_COMMAND, {
      label: trans.__('Show Workflow Graph'),
      caption: trans.__("A REANA workflow's steps with their live status"),
      execute: args => openGraph(app, connection, model.client, trans, args)
    });

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
            choice.parameters,
            choice.operationalOptions
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
            await app.commands.execute(GRAPH_COMMAND, {
              workflow: id,
              path: folder,
              label: String(ended.result?.workflow_name ?? choice.name)
            });
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

const graphs = new Map<string, MainAreaWidget>();

/** Open (or bring forward) the graph of one workflow in the main area. */
async function openGraph(
  app: JupyterFrontEnd,
  connection: IVREConnection,
  client: ReanaClient,
  trans: TranslationBundle,
  args: ReadonlyPartialJSONObject
): Promise<void> {
  const workflow = typeof args.workflow === 'string' ? args.workflow : '';
  if (!workflow) {
    throw new Error(`${GRAPH_COMMAND} needs a workflow id`);
  }
  const path = typeof args.path === 'string' ? args.path : undefined;
  const open = graphs.get(workflow);
  if (open && !open.isDisposed) {
    app.shell.activateById(open.id);
    return;
  }
  const openOutputs = async (): Promise<void> => {
    const target = PathExt.join(
      path ?? '',
      `reana-outputs-${workflow.slice(0, 8)}`
    );
    try {
      const task = await client.download(workflow, target, [], true);
      const ended = await connection.tasks.watch(task.id);
      if (ended.state !== 'succeeded') {
        throw new Error(ended.error?.message ?? ended.state);
      }
      const files = (ended.result?.files as string[] | undefined) ?? [];
      for (const file of files) {
        await app.commands.execute('docmanager:open', { path: file });
      }
    } catch (reason) {
      Notification.error(trans.__('Outputs: %1', asAPIError(reason).message), {
        autoClose: false
      });
    }
  };
  const content = ReactWidget.create(
    React.createElement(GraphView, {
      client,
      workflow,
      path,
      trans,
      onOpenOutputs: () => void openOutputs()
    })
  );
  const widget = new MainAreaWidget({ content });
  widget.id = `jp-vre-reana-graph-${workflow.replace(/[^A-Za-z0-9_-]/g, '')}`;
  widget.title.label = trans.__(
    'REANA: %1',
    typeof args.label === 'string' ? args.label : workflow.slice(0, 8)
  );
  widget.title.closable = true;
  widget.addClass('jp-vre-ReanaGraphWidget');
  graphs.set(workflow, widget);
  app.shell.add(widget, 'main');
  app.shell.activateById(widget.id);
}
