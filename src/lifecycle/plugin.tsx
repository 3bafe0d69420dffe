import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  InputDialog,
  Notification,
  ReactWidget,
  showDialog
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import React from 'react';

import { IVREConnection } from '../common/connection';
import { asAPIError, requestAPI } from '../common/request';
import { ITaskInfo } from '../common/tasks';
import {
  describe,
  ILifecycleInput,
  ILifecycleState,
  readState,
  writeState
} from './state';

export const RUN_INPUTS_COMMAND = 'jupyterlab-vre:lifecycle-run';
export const PUBLISH_COMMAND = 'jupyterlab-vre:lifecycle-publish';

interface ISpecResult {
  source: string;
  path: string;
  text: string;
  parameters: Record<string, string>;
}
interface IValidation {
  valid: boolean;
  messages: { severity: string; message: string }[];
}
interface IWorkflow {
  id: string;
  name: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
}
interface IResolved {
  attachments: {
    variable: string;
    did: string;
    instance: string;
    value: string | string[] | null;
    error: { message: string } | null;
  }[];
}
interface IDeposition {
  id: number;
  reserved_doi: string | null;
}

const ENDED = ['finished', 'failed', 'stopped', 'deleted'];

function post(body: unknown): RequestInit {
  return { method: 'POST', body: JSON.stringify(body) };
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * The lifecycle glue: the current notebook's attached DIDs become a REANA
 * workflow's inputs, the finished run's outputs are published to Zenodo with
 * provenance and an RO-Crate, and the notebook keeps where it stands and the DOI.
 * It talks to the three extensions' APIs; they do not know about each other.
 */
export const lifecyclePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:lifecycle',
  description:
    'From the notebook’s Rucio inputs to a REANA run to a Zenodo DOI.',
  autoStart: true,
  requires: [IVREConnection, INotebookTracker],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    connection: IVREConnection,
    tracker: INotebookTracker,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_vre');
    const settings = connection.serverSettings;
    const api = <T,>(path: string, init: RequestInit = {}) =>
      requestAPI<T>(path, init, settings);

    const save = async (panel: NotebookPanel, state: ILifecycleState) => {
      writeState(panel.context.model, state);
      await panel.context.save();
    };

    const waitTask = async (task: ITaskInfo): Promise<ITaskInfo> => {
      const ended = await connection.tasks.watch(task.id);
      if (ended.state !== 'succeeded') {
        throw new Error(ended.error?.message ?? ended.state);
      }
      return ended;
    };

    /** Follow the run until it ends; the state says so (so a reload picks it up). */
    const follow = async (panel: NotebookPanel, state: ILifecycleState) => {
      let workflow: IWorkflow;
      for (;;) {
        workflow = await api<IWorkflow>(`reana/workflows/${state.workflow_id}`);
        if (ENDED.includes(workflow.status)) {
          break;
        }
        await sleep(1000);
      }
      const next: ILifecycleState = {
        ...state,
        step: workflow.status === 'finished' ? 'finished' : 'failed'
      };
      await save(panel, next);
      if (next.step === 'finished') {
        Notification.success(
          trans.__('REANA run %1 finished: publish its outputs.', workflow.name)
        );
      } else {
        Notification.error(
          trans.__('REANA run %1 %2.', workflow.name, workflow.status),
          { autoClose: false }
        );
      }
    };

    app.commands.addCommand(RUN_INPUTS_COMMAND, {
      label: trans.__('Run on REANA with the Notebook’s Rucio Inputs…'),
      caption: trans.__(
        'Use the DIDs attached to this notebook as inputs of the reana.yaml next to it'
      ),
      isEnabled: () => !!tracker.currentWidget,
      execute: async () => {
        const panel = tracker.currentWidget;
        if (!panel) {
          return;
        }
        try {
          const previous = readState(panel.context.model);
          if (previous?.step === 'running' && previous.workflow_id) {
            await follow(panel, previous); // resume after a reload
            return;
          }
          const vre = (panel.context.model.getMetadata('vre') ?? {}) as {
            rucio_attachments?: ILifecycleInput[];
          };
          const attachments = vre.rucio_attachments ?? [];
          if (attachments.length === 0) {
            throw new Error(
              trans.__(
                'Attach Rucio DIDs to this notebook first (Rucio panel).'
              )
            );
          }
          const folder = PathExt.dirname(panel.context.path);
          const mode = await InputDialog.getItem({
            title: trans.__(
              'How does the workflow read %1 input(s)?',
              attachments.length
            ),
            items: [
              trans.__('From the mounted RSE'),
              trans.__('The workflow fetches them from Rucio')
            ]
          });
          if (!mode.button.accept) {
            return;
          }
          const rucio = mode.value !== trans.__('From the mounted RSE');
          let inputs: Record<string, unknown>[] = attachments.map(a => ({
            ...a
          }));
          if (!rucio) {
            const resolved = await api<IResolved>(
              'rucio/resolve',
              post({ attachments })
            );
            const failed = resolved.attachments.find(a => a.error);
            if (failed) {
              throw new Error(`${failed.did}: ${failed.error?.message}`);
            }
            inputs = resolved.attachments.map(a => ({
              variable: a.variable,
              did: a.did,
              instance: a.instance,
              value: a.value,
              kind: Array.isArray(a.value) ? 'collection' : 'file'
            }));
          } else {
            inputs = attachments.map(a => ({ ...a, kind: 'collection' }));
          }
          const spec = await api<ISpecResult>(
            'lifecycle/spec',
            post({ folder, mode: rucio ? 'rucio' : 'mounted', inputs })
          );
          const report = await api<IValidation>(
            'reana/validate',
            post({ path: spec.path })
          );
          const body = ReactWidget.create(
            <div className="jp-vre-LifecycleSpec">
              <p>
                {report.valid
                  ? trans.__('%1 (from %2) is valid:', spec.path, spec.source)
                  : trans.__('%1 is not valid:', spec.path)}
              </p>
              <ul>
                {report.messages.map((m, i) => (
                  <li key={i}>{`${m.severity}: ${m.message}`}</li>
                ))}
              </ul>
              <pre className="jp-vre-LifecycleSpec-text">{spec.text}</pre>
            </div>
          );
          const answer = await showDialog({
            title: trans.__('Run on REANA'),
            body,
            buttons: report.valid
              ? [
                  Dialog.cancelButton(),
                  Dialog.okButton({ label: trans.__('Run') })
                ]
              : [Dialog.okButton({ label: trans.__('Close') })]
          });
          if (!report.valid || !answer.button.accept) {
            return;
          }
          if (rucio) {
            // The secrets REANA's `rucio: true` steps need, made on the server with an IAM
            // token for Rucio (the browser never sees it) and the user's Rucio account.
            const instance = attachments[0]?.instance ?? '';
            const { account } = await api<{ account: string }>(
              `rucio/${encodeURIComponent(instance)}/account`
            );
            const setup = await api<{ note: string }>(
              'reana/rucio-setup',
              post({ account })
            );
            Notification.info(setup.note, { autoClose: 8000 });
          }
          const name =
            PathExt.basename(panel.context.path, '.ipynb').replace(
              /[^A-Za-z0-9_-]+/g,
              '-'
            ) || 'notebook';
          const task = await api<ITaskInfo>(
            'reana/run',
            post({ path: spec.path, name })
          );
          const ended = await waitTask(task);
          const state: ILifecycleState = {
            step: 'running',
            mode: rucio ? 'rucio' : 'mounted',
            folder,
            spec_path: spec.path,
            inputs: attachments.map(a => ({
              variable: a.variable,
              did: a.did,
              instance: a.instance
            })),
            workflow_id: String(ended.result?.workflow_id),
            workflow_name: String(ended.result?.workflow_name)
          };
          await save(panel, state);
          await follow(panel, state);
        } catch (reason) {
          Notification.error(
            trans.__('Run on REANA: %1', asAPIError(reason).message),
            { autoClose: false }
          );
        }
      }
    });

    app.commands.addCommand(PUBLISH_COMMAND, {
      label: trans.__('Publish Outputs to Zenodo…'),
      caption: trans.__(
        'Publish the finished run’s outputs with their provenance'
      ),
      isEnabled: () => {
        const model = tracker.currentWidget?.context.model;
        const step = model ? readState(model)?.step : undefined;
        return step === 'finished' || step === 'draft';
      },
      execute: async () => {
        const panel = tracker.currentWidget;
        const state = panel ? readState(panel.context.model) : null;
        if (!panel || !state?.workflow_id) {
          return;
        }
        try {
          const run = await api<IWorkflow>(
            `reana/workflows/${state.workflow_id}`
          );
          const folder =
            state.published_folder ??
            PathExt.join(state.folder, 'published', run.name.replace('.', '-'));
          const instances = await api<{
            instances: { name: string; webui_url: string }[];
          }>('rucio/instances');
          const urls = new Map(
            instances.instances.map(i => [i.name, i.webui_url])
          );
          const reana = await api<{
            server_url: string;
            full_name: string | null;
          }>('reana/ping');
          const facts = {
            folder,
            title: trans.__('Outputs of %1', run.name),
            inputs: state.inputs.map(i => ({
              did: i.did,
              instance: i.instance,
              rucio_url: urls.get(i.instance) || null,
              mode: state.mode
            })),
            run: {
              id: run.id,
              name: run.name,
              status: run.status,
              engine: 'serial',
              server_url: reana.server_url,
              started_at: run.started_at,
              finished_at: run.finished_at
            },
            specification: state.spec_path
          };
          let next: ILifecycleState = { ...state, published_folder: folder };
          if (state.step === 'finished') {
            const fetched = await api<ITaskInfo>(
              `reana/workflows/${run.id}/download`,
              post({ target: folder, overwrite: true })
            );
            await waitTask(fetched);
            const provenance = await api<{
              related_identifiers: Record<string, string>[];
              notes: string;
            }>('lifecycle/provenance', post(facts));
            const names = (reana.full_name ?? '').trim().split(/\s+/);
            const title = await InputDialog.getText({
              title: trans.__('Publish outputs to Zenodo: title'),
              text: facts.title
            });
            if (!title.button.accept) {
              return;
            }
            const creator = await InputDialog.getText({
              title: trans.__('Creator ("Family, Given")'),
              text:
                names.length > 1
                  ? `${names[names.length - 1]}, ${names.slice(0, -1).join(' ')}`
                  : (names[0] ?? '')
            });
            if (!creator.button.accept) {
              return;
            }
            facts.title = title.value ?? facts.title;
            const draft = await api<IDeposition>(
              'zenodo/depositions',
              post({
                metadata: {
                  title: facts.title,
                  upload_type: 'dataset',
                  description: `${facts.title}. ${provenance.notes}`,
                  creators: [{ name: creator.value }],
                  extra: {
                    related_identifiers: provenance.related_identifiers,
                    notes: provenance.notes
                  }
                }
              })
            );
            await api(
              'lifecycle/crate',
              post({ ...facts, doi: draft.reserved_doi })
            );
            const uploaded = await api<ITaskInfo>(
              `zenodo/depositions/${draft.id}/upload`,
              post({ paths: [folder] })
            );
            await waitTask(uploaded);
            next = {
              ...next,
              step: 'draft',
              deposition_id: draft.id,
              reserved_doi: draft.reserved_doi ?? undefined
            };
            await save(panel, next);
          }
          const published = await api<{ doi: string }>(
            `zenodo/depositions/${next.deposition_id}/publish`,
            post({})
          );
          await api(
            'lifecycle/crate',
            post({ ...facts, doi: published.doi, published: true })
          );
          next = { ...next, step: 'published', doi: published.doi };
          await save(panel, next);
          Notification.success(trans.__('Published: DOI %1', published.doi), {
            autoClose: false
          });
        } catch (reason) {
          Notification.error(
            trans.__('Publish outputs: %1', asAPIError(reason).message),
            { autoClose: false }
          );
        }
      }
    });

    for (const command of [RUN_INPUTS_COMMAND, PUBLISH_COMMAND]) {
      app.contextMenu.addItem({ command, selector: '.jp-Notebook', rank: 60 });
    }

    // Where the lifecycle stands, in the notebook's toolbar (and what was published: the DOI).
    tracker.widgetAdded.connect((_, panel) => {
      const label = ReactWidget.create(<span />);
      label.addClass('jp-vre-LifecycleStatus');
      const update = () => {
        label.node.textContent = describe(readState(panel.context.model));
      };
      panel.toolbar.insertItem(10, 'vre-lifecycle', label);
      void panel.context.ready.then(() => {
        update();
        panel.context.model.metadataChanged.connect(update);
        // Opened again (after a reload) while its run was going: follow it from where it stood.
        const state = readState(panel.context.model);
        if (state?.step === 'running' && state.workflow_id) {
          follow(panel, state).catch(reason =>
            Notification.error(
              trans.__('REANA run: %1', asAPIError(reason).message),
              { autoClose: false }
            )
          );
        }
      });
    });
  }
};
