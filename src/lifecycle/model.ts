import { PathExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { Schema } from '../common/api';
import { requestAPI } from '../common/request';
import type { ITaskInfo } from '../common/tasks';
import type { IReanaWorkflows } from '../reana/tokens';
import type {
  IAttachment,
  IInstanceInfo,
  IMetadataHolder,
  IResolvedAttachment
} from '../rucio/tokens';
import type { IZenodo } from '../zenodo/tokens';
import { ILifecycleState, readState, writeState } from './state';

export type ISpecInput = Schema<'SpecInput'>;
export type ISpecResult = Schema<'SpecResult'>;
export type ICrateInput = Schema<'CrateInput'>;
export type ICrateResult = Schema<'CrateResult'>;
export type IProvenanceResult = Schema<'ProvenanceResult'>;
export type IValidationReport = Schema<'ValidationReport'>;
export type IWorkflow = Schema<'Workflow'>;

const ENDED: readonly string[] = ['finished', 'failed', 'stopped', 'deleted'];

/** A failure the user can act on, said in words (the plugin shows it). */
export class LifecycleError extends Error {}

/** `/vre/api/lifecycle/...`, one method per endpoint. */
export class LifecycleClient {
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  spec(body: ISpecInput): Promise<ISpecResult> {
    return this._post('spec', body);
  }

  provenance(body: ICrateInput): Promise<IProvenanceResult> {
    return this._post('provenance', body);
  }

  crate(body: ICrateInput): Promise<ICrateResult> {
    return this._post('crate', body);
  }

  private _post<T>(path: string, body: unknown): Promise<T> {
    return requestAPI<T>(
      `lifecycle/${path}`,
      { method: 'POST', body: JSON.stringify(body) },
      this.serverSettings
    );
  }
}

/** The notebook a lifecycle belongs to. */
export interface ILifecycleNotebook {
  readonly path: string;
  readonly metadata: IMetadataHolder;
  save(): Promise<void>;
}

/** What only the user can decide; the plugin asks with dialogs, tests answer directly. */
export interface ILifecycleQuestions {
  /** How the workflow reads the inputs; null: cancelled. */
  mode(count: number): Promise<'mounted' | 'rucio' | null>;
  /** Show the amended reana.yaml and its validation; true: run it. */
  confirmRun(spec: ISpecResult, report: IValidationReport): Promise<boolean>;
  /** Title and creator of the record; null: cancelled. */
  record(proposed: {
    title: string;
    creator: string;
  }): Promise<{ title: string; creator: string } | null>;
}

/** The parts of the Rucio model the lifecycle uses. */
export interface ILifecycleRucio {
  readonly instances: readonly IInstanceInfo[];
  ready(): Promise<void>;
  attachmentsOf(metadata: IMetadataHolder): IAttachment[];
  readonly service: {
    resolve(attachments: IAttachment[]): Promise<IResolvedAttachment[]>;
  };
}

export interface ILifecycleOptions {
  notebook: ILifecycleNotebook;
  client: LifecycleClient;
  rucio: ILifecycleRucio;
  reana: Pick<IReanaWorkflows, 'client' | 'follow' | 'find' | 'changed'>;
  zenodo: IZenodo;
  /** Resolves when the task ends (as `IVREConnection.tasks.watch`). */
  watch(taskId: string): Promise<ITaskInfo>;
  ask: ILifecycleQuestions;
}

/**
 * The data → run → DOI lifecycle of one notebook, as steps: run its attached
 * DIDs through the reana.yaml next to it, follow the run, publish the outputs.
 * Where it stands lives in the notebook's metadata, so a reload resumes.
 *
 * Publishing can leave no orphan: the folder is checked against Zenodo's
 * limits before a draft exists, the draft is recorded in the notebook the
 * moment it is made, and a retry continues that same draft.
 */
/** How many times a resolution's check is followed before giving up. */
const MAX_RESOLVE_ROUNDS = 10;

export class LifecycleModel implements IDisposable {
  constructor(options: ILifecycleOptions) {
    this._options = options;
    options.zenodo.client.published.connect(this._onPublished, this);
  }

  /** Emitted whenever the state in the notebook changes. */
  get stateChanged(): ISignal<this, ILifecycleState | null> {
    return this._stateChanged;
  }

  get state(): ILifecycleState | null {
    return readState(this._options.notebook.metadata);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._options.zenodo.client.published.disconnect(this._onPublished, this);
    Signal.clearData(this);
  }

  /** Step 1: run the reana.yaml next to the notebook with its attached DIDs; then follow the run. */
  async run(): Promise<void> {
    const { notebook, rucio, reana, client, ask } = this._options;
    const previous = this.state;
    if (previous?.step === 'running') {
      await this.follow(); // resume after a reload
      return;
    }
    await rucio.ready();
    const attachments = rucio.attachmentsOf(notebook.metadata);
    if (attachments.length === 0) {
      throw new LifecycleError(
        'Attach Rucio DIDs to this notebook first (Rucio panel).'
      );
    }
    const mode = await ask.mode(attachments.length);
    if (!mode) {
      return;
    }
    const folder = PathExt.dirname(notebook.path);
    const spec = await client.spec({
      folder,
      mode,
      inputs: await this._inputs(attachments, mode)
    });
    const report = await reana.client.validate(spec.path);
    if (!(await ask.confirmRun(spec, report)) || !report.valid) {
      return;
    }
    if (mode === 'rucio') {
      // The secrets REANA's `rucio: true` steps need, made by the server with an IAM token
      // for Rucio (the browser never sees it); REANA does not renew it.
      await reana.client.rucioSetup(attachments[0].instance);
    }
    const task = await this._task(
      reana.client.run(spec.path, workflowName(notebook.path), {})
    );
    const { workflow_id, workflow_name } = task.result ?? {};
    if (typeof workflow_id !== 'string' || typeof workflow_name !== 'string') {
      throw new LifecycleError('REANA did not say which workflow it started.');
    }
    await this._save({
      step: 'running',
      mode,
      folder,
      spec_path: spec.path,
      engine: report.workflow_type ?? undefined,
      inputs: attachments.map(({ variable, did, instance }) => ({
        variable,
        did,
        instance
      })),
      workflow_id,
      workflow_name
    });
    await this.follow();
  }

  /** Step 2: wait, with the REANA model's poll, until the run ends; the state says how it ended. */
  async follow(): Promise<IWorkflow | null> {
    const state = this.state;
    if (state?.step !== 'running' || !state.workflow_id) {
      return null;
    }
    const ended = await this._ended(state.workflow_id);
    await this._save({
      ...state,
      step: ended.status === 'finished' ? 'finished' : 'failed'
    });
    return ended;
  }

  /**
   * Step 3: publish the run's outputs. In an order that leaves nothing behind:
   * fetch the outputs, check them against Zenodo's limits, make the draft and
   * record it in the notebook at once, write the RO-Crate, upload, then the
   * same review and confirmation as the Zenodo panel. A retry continues the
   * draft the notebook names.
   */
  async publish(): Promise<void> {
    const { reana, zenodo, client, ask } = this._options;
    let state = this.state;
    if (!state?.workflow_id || !['finished', 'draft'].includes(state.step)) {
      throw new LifecycleError(
        'Publish the outputs once the notebook’s REANA run has finished.'
      );
    }
    const run = await reana.client.workflow(state.workflow_id);
    if (!state.published_folder) {
      const folder = PathExt.join(
        state.folder,
        'published',
        run.name.replace(/[^A-Za-z0-9_-]+/g, '-')
      );
      await this._task(reana.client.download(run.id, folder, [], true));
      state = await this._save({ ...state, published_folder: folder });
    }
    const facts = await this._facts(state, run);
    // Before anything exists on Zenodo: too many files or bytes stop here.
    await client.crate({ ...facts, write: false });

    let draft = state.deposition_id
      ? await zenodo.client.deposition(state.deposition_id)
      : null;
    if (draft?.published && draft.doi) {
      await this._save({ ...state, step: 'published', doi: draft.doi });
      return;
    }
    if (!draft) {
      const provenance = await client.provenance(facts);
      const names = ((await reana.client.ping()).full_name ?? '')
        .trim()
        .split(/\s+/);
      const described = await ask.record({
        title: facts.title ?? '',
        creator:
          names.length > 1
            ? `${names[names.length - 1]}, ${names.slice(0, -1).join(' ')}`
            : (names[0] ?? '')
      });
      if (!described) {
        return;
      }
      draft = await zenodo.client.create({
        ...zenodo.newForm(described.title),
        description: `${described.title}. ${provenance.notes}`,
        creators: [{ name: described.creator, affiliation: null, orcid: null }],
        extra: {
          related_identifiers: provenance.related_identifiers,
          notes: provenance.notes
        }
      });
      // Recorded before anything else can fail: a retry finds this draft.
      state = await this._save({
        ...state,
        step: 'draft',
        deposition_id: draft.id,
        reserved_doi: draft.reserved_doi ?? undefined
      });
      facts.title = described.title;
    }
    const license = draft.metadata.license;
    await client.crate({
      ...facts,
      title: draft.title || facts.title,
      doi: draft.reserved_doi ?? null,
      license:
        typeof license === 'string'
          ? license
          : ((license as { id?: string } | undefined)?.id ?? null)
    });
    await this._task(
      zenodo.client.upload(draft.id, [state.published_folder as string])
    );
    await zenodo.review(await zenodo.client.deposition(draft.id));
  }

  /** Published by the review (or the Zenodo panel): the DOI goes into the notebook. */
  private _onPublished(_: unknown, published: { id: number; doi: string }) {
    const state = this.state;
    if (state && state.deposition_id === published.id) {
      void this._save({ ...state, step: 'published', doi: published.doi });
    }
  }

  private async _inputs(
    attachments: IAttachment[],
    mode: 'mounted' | 'rucio'
  ): Promise<ISpecInput['inputs']> {
    if (mode === 'rucio') {
      return attachments.map(a => ({ ...a, kind: 'collection' }));
    }
    const service = this._options.rucio.service;
    let resolved = await service.resolve(attachments);
    // A large collection is checked by a task: follow it, then ask again for its outcome.
    for (let round = 0; resolved.some(a => a.task); round++) {
      if (round === MAX_RESOLVE_ROUNDS) {
        throw new LifecycleError('The attached data is still being checked.');
      }
      await Promise.all(
        resolved.map(a => (a.task ? this._options.watch(a.task.id) : null))
      );
      resolved = await service.resolve(attachments);
    }
    const failed = resolved.find(a => a.error);
    if (failed) {
      throw new LifecycleError(`${failed.did}: ${failed.error?.message}`);
    }
    // A collection goes as its listing of paths, which the server reads.
    return resolved.map(a => ({
      variable: a.variable,
      did: a.did,
      instance: a.instance,
      value: a.value,
      paths_file: a.paths_file,
      kind: a.paths_file ? 'collection' : 'file'
    }));
  }

  private async _facts(
    state: ILifecycleState,
    run: IWorkflow
  ): Promise<ICrateInput> {
    const { rucio, reana } = this._options;
    await rucio.ready();
    const urls = new Map(rucio.instances.map(i => [i.name, i.webui_url]));
    const engine =
      state.engine ??
      (await reana.client.validate(state.spec_path)).workflow_type ??
      'serial';
    return {
      folder: state.published_folder as string,
      title: `Outputs of ${run.name}`,
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
        engine,
        server_url: (await reana.client.ping()).server_url,
        started_at: run.started_at,
        finished_at: run.finished_at
      },
      specification: state.spec_path
    };
  }

  /** The workflow once it has ended, as the REANA model's poll sees it. */
  private _ended(id: string): Promise<IWorkflow> {
    const { reana } = this._options;
    return new Promise<IWorkflow>((resolve, reject) => {
      const check = () => {
        const workflow = reana.find(id);
        if (workflow && ENDED.includes(workflow.status)) {
          reana.changed.disconnect(check);
          resolve(workflow);
        }
      };
      reana.changed.connect(check);
      reana.follow(id).then(check, reason => {
        reana.changed.disconnect(check);
        reject(reason);
      });
    });
  }

  private async _task(started: Promise<ITaskInfo>): Promise<ITaskInfo> {
    const ended = await this._options.watch((await started).id);
    if (ended.state !== 'succeeded') {
      throw new LifecycleError(ended.error?.message ?? ended.state);
    }
    return ended;
  }

  private async _save(state: ILifecycleState): Promise<ILifecycleState> {
    writeState(this._options.notebook.metadata, state);
    await this._options.notebook.save();
    this._stateChanged.emit(state);
    return state;
  }

  private _isDisposed = false;
  private _options: ILifecycleOptions;
  private _stateChanged = new Signal<this, ILifecycleState | null>(this);
}

/** A REANA workflow name from the notebook's file name. */
export function workflowName(notebookPath: string): string {
  return (
    PathExt.basename(notebookPath, '.ipynb').replace(/[^A-Za-z0-9_-]+/g, '-') ||
    'notebook'
  );
}
