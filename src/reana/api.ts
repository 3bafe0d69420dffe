import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../common/request';
import { ITaskInfo } from '../common/tasks';
import type { Schema } from '../common/api';

/** REANA's workflow states; `created` … `running` may still change. */
export type WorkflowStatus =
  | 'created'
  | 'queued'
  | 'pending'
  | 'running'
  | 'finished'
  | 'failed'
  | 'stopped'
  | 'deleted';

export const ACTIVE_STATUSES: readonly string[] = [
  'queued',
  'pending',
  'running'
];

export const LISTED_STATUSES: readonly WorkflowStatus[] = [
  'created',
  'queued',
  'pending',
  'running',
  'finished',
  'failed',
  'stopped'
];

/** Whether a workflow is queued or running (so worth following). */
export function isRunning(workflow: IWorkflow): boolean {
  return ACTIVE_STATUSES.includes(workflow.status);
}

export type IValidationMessage = Schema<'ValidationMessage'>;

export type IValidationReport = Schema<'ValidationReport'>;

export type IReanaConnection = Schema<'ReanaConnection'>;

export type IWorkflow = Schema<'Workflow'>;

export interface IPage<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
  has_next: boolean;
}

export type IStepLog = Schema<'StepLog'>;

export type IWorkflowLogs = Schema<'WorkflowLogs'>;

export type IWorkspaceFile = Schema<'WorkspaceFile'>;

export type IGraphStep = Schema<'GraphStep'>;

export type IWorkflowGraph = Schema<'WorkflowGraph'>;

export type ISecret = Schema<'Secret'>;

export type IRucioSetup = Schema<'RucioSetup'>;

/** Where the server takes a secret's value from; the browser only names it. */
export type SecretSource =
  | { kind: 'credential'; service: string; instance: string; field: string }
  | { kind: 'iam'; audience: string };

export interface IListQuery {
  status?: string;
  search?: string;
  sort?: 'asc' | 'desc';
  page?: number;
  size?: number;
}

function query(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(
      ([key, value]) =>
        `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`
    );
  return parts.length ? `?${parts.join('&')}` : '';
}

function post(body: unknown): RequestInit {
  return { method: 'POST', body: JSON.stringify(body) };
}

/** One method per `/vre/api/reana/...` endpoint. */
export class ReanaClient {
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  ping(): Promise<IReanaConnection> {
    return this._call('ping');
  }

  /** Check the reana.yaml at `path`, or `text` as if it were that file (an editor's buffer). */
  validate(
    path: string,
    text?: string,
    signal?: AbortSignal
  ): Promise<IValidationReport> {
    return this._call('validate', {
      ...post(text === undefined ? { path } : { path, text }),
      signal
    });
  }

  workflows(options: IListQuery = {}): Promise<IPage<IWorkflow>> {
    return this._call(`workflows${query({ ...options })}`);
  }

  workflow(id: string): Promise<IWorkflow> {
    return this._call(`workflows/${encodeURIComponent(id)}`);
  }

  /** Create, upload and start: a task whose result names the workflow. */
  run(
    path: string,
    name: string,
    parameters: Record<string, string>,
    operationalOptions: Record<string, string> = {}
  ): Promise<ITaskInfo> {
    return this._call(
      'run',
      post({
        path,
        name,
        parameters,
        operational_options: operationalOptions
      })
    );
  }

  /** The logs of the workflow, or of the jobs of these steps only. */
  logs(id: string, steps: string[] = []): Promise<IWorkflowLogs> {
    const only = steps.map(s => `step=${encodeURIComponent(s)}`).join('&');
    return this._call(
      `workflows/${encodeURIComponent(id)}/logs${only ? `?${only}` : ''}`
    );
  }

  /** Steps, dependencies and live status; `path` (the workflow's folder) is needed for Yadage. */
  graph(id: string, path?: string): Promise<IWorkflowGraph> {
    return this._call(
      `workflows/${encodeURIComponent(id)}/graph${query({ path })}`
    );
  }

  files(id: string, page = 1, size = 100): Promise<IPage<IWorkspaceFile>> {
    return this._call(
      `workflows/${encodeURIComponent(id)}/files${query({ page, size })}`
    );
  }

  stop(id: string): Promise<IWorkflow> {
    return this._call(`workflows/${encodeURIComponent(id)}/stop`, post({}));
  }

  delete(id: string): Promise<{ workflow_id: string; status: string }> {
    return this._call(`workflows/${encodeURIComponent(id)}`, {
      method: 'DELETE'
    });
  }

  /** Fetch files (the declared outputs when none) into a workspace folder: a task. */
  download(
    id: string,
    target: string,
    files: string[] = [],
    overwrite = false
  ): Promise<ITaskInfo> {
    return this._call(
      `workflows/${encodeURIComponent(id)}/download`,
      post({ target, files, overwrite })
    );
  }

  secrets(): Promise<{ secrets: ISecret[] }> {
    return this._call('secrets');
  }

  addSecret(
    name: string,
    source: SecretSource,
    type: 'env' | 'file' = 'env',
    overwrite = false
  ): Promise<{ secrets: ISecret[] }> {
    return this._call(
      'secrets',
      post({ name, type, source, ...(overwrite ? { overwrite } : {}) })
    );
  }

  /**
   * Add the REANA secrets that `rucio: true` steps need for this Rucio instance: the
   * user's account there (asked of the Rucio extension), the admin's Rucio settings and
   * an IAM token for Rucio, all written by the server.
   */
  async rucioSetup(instance: string): Promise<IRucioSetup> {
    const { account } = await requestAPI<{ account: string }>(
      `rucio/${encodeURIComponent(instance)}/account`,
      {},
      this.serverSettings
    );
    return this._call('rucio-setup', post({ account }));
  }

  deleteSecret(name: string): Promise<{ secrets: ISecret[] }> {
    return this._call(`secrets/${encodeURIComponent(name)}`, {
      method: 'DELETE'
    });
  }

  private _call<T>(endPoint: string, init: RequestInit = {}): Promise<T> {
    return requestAPI<T>(`reana/${endPoint}`, init, this.serverSettings);
  }
}
