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
