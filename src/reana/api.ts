import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../common/request';
import { ITaskInfo } from '../common/tasks';

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

export interface IValidationMessage {
  severity: 'error' | 'warning';
  key: string | null;
  line: number | null;
  message: string;
}

export interface IValidationReport {
  source: string;
  valid: boolean;
  workflow_type: 'serial' | 'cwl' | 'snakemake' | 'yadage' | null;
  parameters: Record<string, unknown>;
  input_files: string[];
  input_directories: string[];
  output_files: string[];
  output_directories: string[];
  messages: IValidationMessage[];
}

export interface IReanaConnection {
  server_url: string;
  server_version: string | null;
  email: string | null;
  username: string | null;
  full_name: string | null;
}

export interface IWorkflow {
  id: string;
  /** `<name>.<run number>` */
  name: string;
  status: string;
  created: string | null;
  started_at: string | null;
  finished_at: string | null;
  jobs: { total: number; finished: number; failed: number; running: number };
  current_step: string | null;
  size_bytes: number | null;
}

export interface IPage<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
  has_next: boolean;
}

export interface IStepLog {
  job_id: string;
  step: string;
  status: string | null;
  command: string | null;
  environment: string | null;
  compute_backend: string | null;
  started_at: string | null;
  finished_at: string | null;
  logs: string;
}

export interface IWorkflowLogs {
  workflow_id: string;
  workflow_logs: string;
  steps: IStepLog[];
}

export interface IWorkspaceFile {
  name: string;
  size_bytes: number;
  last_modified: string | null;
}

export interface ISecret {
  name: string;
  type: 'env' | 'file';
}

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

  validate(path: string): Promise<IValidationReport> {
    return this._call('validate', post({ path }));
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
    parameters: Record<string, string>
  ): Promise<ITaskInfo> {
    return this._call('run', post({ path, name, parameters }));
  }

  logs(id: string): Promise<IWorkflowLogs> {
    return this._call(`workflows/${encodeURIComponent(id)}/logs`);
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
    type: 'env' | 'file' = 'env'
  ): Promise<{ secrets: ISecret[] }> {
    return this._call('secrets', post({ name, type, source }));
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
