import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { PolledModel } from '../common/polled';
import { IListQuery, IPage, isRunning, IWorkflow, ReanaClient } from './api';

/** Seconds between refreshes while a listed or followed workflow runs. */
export const ACTIVE_SECONDS = 2;

interface IState {
  page: IPage<IWorkflow>;
  /** Followed workflows that are not on the page shown. */
  followed: IWorkflow[];
}

/**
 * The user's REANA workflows, one page at a time, refreshed every few seconds
 * while one of them runs. Runs seen queued or running (or started from here)
 * are announced with a notification when they finish, fail or are stopped.
 */
export class WorkflowsModel extends PolledModel<IState> {
  constructor(options: WorkflowsModel.IOptions) {
    super('jupyterlab-vre:reana-workflows', options.idleSeconds);
    this.client = options.client;
    this._trans = options.trans;
    this._idleSeconds = options.idleSeconds;
  }

  readonly client: ReanaClient;

  get page(): IPage<IWorkflow> | null {
    return this._state?.page ?? null;
  }

  /** The workflow whose details are shown. */
  get selected(): string | null {
    return this._selected;
  }

  set selected(id: string | null) {
    if (id !== this._selected) {
      this._selected = id;
      this._selectedChanged.emit(id);
    }
  }

  get selectedChanged(): ISignal<this, string | null> {
    return this._selectedChanged;
  }

  get query(): IListQuery {
    return this._query;
  }

  /** Show another page or filter; resolves once it is loaded. */
  async setQuery(query: IListQuery): Promise<void> {
    this._query = { ...this._query, ...query };
    await this.refresh();
  }

  /** Announce this workflow when it ends, even when it is not on the page shown. */
  async follow(id: string): Promise<void> {
    this._followed.add(id);
    this._seenActive.add(id);
    await this.refresh();
  }

  /** The workflow with this id, if the page shows or the model follows it. */
  find(id: string): IWorkflow | undefined {
    return [
      ...(this._state?.page.items ?? []),
      ...(this._state?.followed ?? [])
    ].find(workflow => workflow.id === id);
  }

  protected async fetch(): Promise<IState> {
    const page = await this.client.workflows({ size: 20, ...this._query });
    const shown = new Set(page.items.map(w => w.id));
    const missing = [...this._followed].filter(id => !shown.has(id));
    const followed = await Promise.all(
      missing.map(id => this.client.workflow(id).catch(() => null))
    );
    return {
      page,
      followed: followed.filter((w): w is IWorkflow => w !== null)
    };
  }

  protected apply(state: IState): void {
    this._state = state;
    const all = [...state.page.items, ...state.followed];
    for (const workflow of all) {
      if (isRunning(workflow)) {
        this._seenActive.add(workflow.id);
      } else if (
        workflow.status !== 'created' &&
        this._seenActive.has(workflow.id)
      ) {
        this._seenActive.delete(workflow.id);
        this._followed.delete(workflow.id);
        this._announce(workflow);
      }
    }
    const active = all.some(isRunning) || this._followed.size > 0;
    this.pollEvery(active ? ACTIVE_SECONDS : this._idleSeconds);
  }

  private _announce(workflow: IWorkflow): void {
    const trans = this._trans;
    if (workflow.status === 'finished') {
      Notification.success(
        trans.__('REANA workflow %1 finished.', workflow.name),
        { autoClose: 5000 }
      );
    } else if (workflow.status === 'failed') {
      Notification.error(
        trans.__(
          'REANA workflow %1 failed: see its logs in the REANA panel.',
          workflow.name
        ),
        { autoClose: false }
      );
    } else if (workflow.status === 'stopped') {
      Notification.info(trans.__('REANA workflow %1 stopped.', workflow.name), {
        autoClose: 5000
      });
    }
  }

  private _followed = new Set<string>();
  private _idleSeconds: number;
  private _query: IListQuery = { sort: 'desc', page: 1 };
  private _seenActive = new Set<string>();
  private _selected: string | null = null;
  private _selectedChanged = new Signal<this, string | null>(this);
  private _state: IState | null = null;
  private _trans: TranslationBundle;
}

export namespace WorkflowsModel {
  export interface IOptions {
    client: ReanaClient;
    trans: TranslationBundle;
    /** Seconds between refreshes while nothing runs; 0: only on `refresh()`. */
    idleSeconds: number;
  }
}

/** A REANA time ("2030-01-01T10:00:00", UTC without a zone) as milliseconds; null when absent. */
export function reanaTime(text: string | null | undefined): number | null {
  if (!text) {
    return null;
  }
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const value = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(value) ? null : value;
}

/** Seconds from start to end, or to `now` while it runs; null when it has not started. */
export function durationSeconds(
  start: string | null | undefined,
  end: string | null | undefined,
  now: number = Date.now()
): number | null {
  const from = reanaTime(start);
  if (from === null) {
    return null;
  }
  const to = reanaTime(end) ?? now;
  return Math.max(0, Math.round((to - from) / 1000));
}

/** "42 s", "3 min 05 s", "2 h 07 min": short enough for a list column. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) {
    return '';
  }
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  }
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A start time in the user's locale: the time only when it is today. */
export function formatStart(
  text: string | null | undefined,
  now: number = Date.now()
): string {
  const value = reanaTime(text);
  if (value === null) {
    return '';
  }
  const date = new Date(value);
  const today = new Date(now).toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit'
      });
}

/** One folder of a workspace tree: its files, and its subfolders by name. */
export interface IFileTree {
  files: { name: string; path: string; size: number }[];
  folders: Map<string, IFileTree>;
}

/** Workspace paths ("results/plot.png") as a tree of folders. */
export function fileTree(
  files: { name: string; size_bytes: number }[]
): IFileTree {
  const root: IFileTree = { files: [], folders: new Map() };
  for (const file of files) {
    const parts = file.name.split('/').filter(part => part);
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.get(part);
      if (!next) {
        next = { files: [], folders: new Map() };
        folder.folders.set(part, next);
      }
      folder = next;
    }
    folder.files.push({
      name: parts[parts.length - 1] ?? file.name,
      path: file.name,
      size: file.size_bytes
    });
  }
  return root;
}

/** Which part of the run a workspace file is: an input, an output, or something else it made. */
export function fileRole(
  path: string,
  spec: {
    input_files: string[];
    input_directories: string[];
    output_files: string[];
    output_directories: string[];
  }
): 'input' | 'output' | 'other' {
  const under = (folders: string[]) =>
    folders.some(folder => path.startsWith(`${folder.replace(/\/+$/, '')}/`));
  if (spec.input_files.includes(path) || under(spec.input_directories)) {
    return 'input';
  }
  if (spec.output_files.includes(path) || under(spec.output_directories)) {
    return 'output';
  }
  return 'other';
}
