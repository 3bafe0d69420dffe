import { Notification } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';

import { PolledModel } from './polled';
import { requestAPI, VREAPIError } from './request';
import type { ServiceName } from './connection';
import type { Schema } from './api';

export type TaskState = Schema<'TaskInfo'>['state'];

export type ITaskProgress = Schema<'Progress'>;

/** One background task, as `GET /vre/api/tasks/<id>` answers. */
export type ITaskInfo = Schema<'TaskInfo'>;

/** Whether a task may still change: queued or running. */
export function isActive(task: ITaskInfo): boolean {
  return task.state === 'queued' || task.state === 'running';
}

/** Seconds between polls while a task is queued or running. */
const ACTIVE_SECONDS = 1;

function taskPath(id: string): string {
  return `tasks/${encodeURIComponent(id)}`;
}

/**
 * The server's background tasks, polled every second while one is active and
 * every `refreshSeconds` otherwise. A task seen queued or running is announced
 * with a JupyterLab notification exactly once when it succeeds or fails.
 */
export class TaskModel extends PolledModel<ITaskInfo[]> {
  constructor(options: TaskModel.IOptions) {
    super('jupyterlab-vre:tasks', options.refreshSeconds);
    this._serverSettings = options.serverSettings;
    this._trans = options.trans;
    this._idleSeconds = options.refreshSeconds;
  }

  /** All tasks, newest first. */
  get tasks(): readonly ITaskInfo[] {
    return this._tasks;
  }

  /** The tasks of one service (kind `<service>.…`), newest first. */
  forService(service: ServiceName): ITaskInfo[] {
    return this._tasks.filter(task => task.kind.startsWith(`${service}.`));
  }

  /** Ask the server to cancel a task; resolves to its new state. */
  async cancel(id: string): Promise<ITaskInfo> {
    const task = await requestAPI<ITaskInfo>(
      taskPath(id),
      { method: 'DELETE' },
      this._serverSettings
    );
    this._merge(task);
    return task;
  }

  /**
   * Start an interrupted task again (the server stopped while it ran); the
   * interrupted entry gives way to the new task, which is followed like any other.
   */
  async resume(id: string): Promise<ITaskInfo> {
    const task = await requestAPI<ITaskInfo>(
      `${taskPath(id)}/resume`,
      { method: 'POST' },
      this._serverSettings
    );
    this.update([task, ...this._tasks.filter(t => t.id !== id)]);
    this._seenActive.add(task.id); // announced when it ends, like a task started here
    void this.refresh();
    return task;
  }

  /**
   * Follow a task, e.g. one a panel has just started: resolves to its final
   * state when it ends; rejects if the server does not know it (any more).
   */
  async watch(id: string): Promise<ITaskInfo> {
    const task = await requestAPI<ITaskInfo>(
      taskPath(id),
      {},
      this._serverSettings
    );
    this._merge(task);
    if (!isActive(task)) {
      return task;
    }
    let ended = this._watchers.get(id);
    if (!ended) {
      ended = new PromiseDelegate<ITaskInfo>();
      this._watchers.set(id, ended);
    }
    void this.refresh(); // from now on at the fast pace
    return ended.promise;
  }

  protected async fetch(): Promise<ITaskInfo[]> {
    const answer = await requestAPI<{ tasks: ITaskInfo[] }>(
      'tasks',
      {},
      this._serverSettings
    );
    return answer.tasks;
  }

  protected apply(tasks: ITaskInfo[]): void {
    this._tasks = tasks;
    const known = new Map(tasks.map(task => [task.id, task]));
    for (const task of tasks) {
      if (isActive(task)) {
        this._seenActive.add(task.id);
      } else if (this._seenActive.delete(task.id)) {
        this._announce(task);
      }
    }
    for (const id of this._seenActive) {
      if (!known.has(id)) {
        this._seenActive.delete(id);
      }
    }
    for (const [id, ended] of this._watchers) {
      const task = known.get(id);
      if (task && isActive(task)) {
        continue;
      }
      this._watchers.delete(id);
      if (task) {
        ended.resolve(task);
      } else {
        ended.reject(
          new VREAPIError(
            404,
            'task_not_found',
            this._trans.__('The server no longer knows this task.')
          )
        );
      }
    }
    this.pollEvery(tasks.some(isActive) ? ACTIVE_SECONDS : this._idleSeconds);
  }

  private _merge(task: ITaskInfo): void {
    const listed = this._tasks.some(t => t.id === task.id);
    this.update(
      listed
        ? this._tasks.map(t => (t.id === task.id ? task : t))
        : [task, ...this._tasks]
    );
  }

  private _announce(task: ITaskInfo): void {
    const trans = this._trans;
    if (task.state === 'succeeded') {
      Notification.success(trans.__('%1: done.', task.title), {
        autoClose: 5000
      });
    } else if (task.state === 'failed') {
      const reason = task.error?.message ?? trans.__('no reason given');
      Notification.error(trans.__('%1 failed: %2', task.title, reason), {
        autoClose: false
      });
    }
  }

  private _idleSeconds: number;
  private _seenActive = new Set<string>();
  private _serverSettings: ServerConnection.ISettings;
  private _tasks: ITaskInfo[] = [];
  private _trans: TranslationBundle;
  private _watchers = new Map<string, PromiseDelegate<ITaskInfo>>();
}

export namespace TaskModel {
  export interface IOptions {
    serverSettings: ServerConnection.ISettings;
    trans: TranslationBundle;
    /** Seconds between polls while no task is active; 0: only on `refresh()`. */
    refreshSeconds: number;
  }
}
