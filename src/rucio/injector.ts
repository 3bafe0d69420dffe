import { Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { asAPIError } from '../common/request';
import {
  assignment,
  IMetadataHolder,
  kernelLanguage,
  KernelLanguage,
  pathsAssignment,
  readAttachments,
  writeAttachments
} from './attachments';
import { IAttachment, IResolvedAttachment, RucioService } from './service';

/** Most attachments one resolve call takes (the server's limit). */
const RESOLVE_BATCH = 50;

/** Milliseconds between resolve calls while the server checks a large collection. */
const RESOLVING_INTERVAL = 1000;

/** Where one attachment stands in the notebook's current kernel. */
export interface IAttachmentState {
  /**
   * `resolving`: the server is checking a collection's files; `waiting`: not
   * available yet (retried); `stopped`: its check was cancelled (not retried
   * until the kernel restarts or the attachments change).
   */
  state:
    | 'pending'
    | 'injected'
    | 'resolving'
    | 'waiting'
    | 'stopped'
    | 'unsupported';
  /** Why it is not injected (a server or kernel message), or how far the check is. */
  message?: string;
  /** A collection's file count and how many of them are missing, when known. */
  files?: number;
  missing?: number;
}

/** What the injector needs of a notebook: its metadata and its kernel. */
export interface INotebookHandle {
  metadata: IMetadataHolder | null;
  metadataChanged: ISignal<unknown, unknown> | null;
  kernel(): Kernel.IKernelConnection | null;
  statusChanged: ISignal<unknown, Kernel.Status>;
  kernelChanged: ISignal<unknown, unknown>;
}

export function notebookHandle(panel: NotebookPanel): INotebookHandle {
  const session = panel.sessionContext;
  return {
    get metadata() {
      return panel.model;
    },
    get metadataChanged() {
      return panel.model?.metadataChanged ?? null;
    },
    kernel: () => session.session?.kernel ?? null,
    statusChanged: session.statusChanged,
    kernelChanged: session.kernelChanged
  };
}

/**
 * A notebook's attachments and their injection: whenever its kernel starts or
 * restarts, attached DIDs are resolved to paths on the mount and assigned
 * silently (no cell, no history). Those not available yet are reported and
 * tried again with back-off until they are, while the notebook is open.
 */
export class AttachmentInjector {
  constructor(options: AttachmentInjector.IOptions) {
    this._notebook = options.notebook;
    this._service = options.service;
    this._defaultInstance = options.defaultInstance;
    this._trans = options.trans;
    this._retry = options.retry ?? { interval: 3000, max: 60000 };
    this._notebook.statusChanged.connect(this._onStatus, this);
    this._notebook.kernelChanged.connect(this._onKernel, this);
    this._notebook.metadataChanged?.connect(this._onMetadata, this);
    if (this._notebook.kernel()) {
      void this.inject();
    }
  }

  /** Emitted when the attachments or their states change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get attachments(): IAttachment[] {
    const metadata = this._notebook.metadata;
    return metadata ? readAttachments(metadata, this._defaultInstance()) : [];
  }

  stateOf(variable: string): IAttachmentState {
    return this._states.get(variable) ?? { state: 'pending' };
  }

  /** How many injection runs have completed in this notebook (for tests and the status). */
  get injections(): number {
    return this._injections;
  }

  /** Add or replace (by variable) an attachment, and inject it when a kernel runs. */
  set(attachment: IAttachment, replacing?: string): void {
    const others = this.attachments.filter(
      a => a.variable !== (replacing ?? attachment.variable)
    );
    this._write([...others, attachment]);
  }

  remove(variable: string): void {
    this._write(this.attachments.filter(a => a.variable !== variable));
  }

  /**
   * Resolve and assign every attachment in the running kernel now; with
   * `outstanding`, only those not injected yet (retries do not check a
   * million-file collection again once it is in the kernel).
   */
  async inject(outstanding = false): Promise<void> {
    const kernel = this._notebook.kernel();
    const attachments = this.attachments.filter(
      a =>
        !outstanding ||
        !['injected', 'stopped'].includes(this.stateOf(a.variable).state)
    );
    if (outstanding && kernel && attachments.length === 0) {
      return;
    }
    const run = ++this._run;
    if (!kernel || attachments.length === 0) {
      this._states.clear();
      this._stopRetry();
      this._changed.emit();
      return;
    }
    let language: KernelLanguage | null = null;
    try {
      const info = await kernel.info;
      language = kernelLanguage(info.language_info.name);
    } catch {
      language = null;
    }
    if (run !== this._run) {
      return;
    }
    if (!language) {
      const message = this._trans.__(
        'This kernel’s language is not supported: use Python, R or Julia.'
      );
      attachments.forEach(a =>
        this._states.set(a.variable, { state: 'unsupported', message })
      );
      this._finish(run, attachments);
      return;
    }
    let resolved: IResolvedAttachment[];
    try {
      resolved = [];
      for (let i = 0; i < attachments.length; i += RESOLVE_BATCH) {
        const batch = attachments.slice(i, i + RESOLVE_BATCH);
        resolved.push(...(await this._service.resolve(batch)));
      }
    } catch (error) {
      const message = asAPIError(error).message;
      attachments.forEach(a =>
        this._states.set(a.variable, { state: 'waiting', message })
      );
      this._finish(run, attachments);
      return;
    }
    if (run !== this._run) {
      return;
    }
    const statements: [string, string][] = [];
    for (const item of resolved) {
      const state = this._resolvedState(item);
      if (state) {
        this._states.set(item.variable, state);
      } else {
        statements.push([
          item.variable,
          item.paths_file
            ? pathsAssignment(
                item.variable,
                item.paths_file,
                item.files ?? 0,
                item.did,
                language
              )
            : assignment(item.variable, item.value!, language)
        ]);
      }
    }
    if (statements.length) {
      const code = statements.map(([, statement]) => statement).join('\n');
      const failure = await this._execute(kernel, code);
      for (const [variable] of statements) {
        const files = resolved.find(r => r.variable === variable)?.files;
        this._states.set(
          variable,
          failure
            ? { state: 'waiting', message: failure }
            : { state: 'injected', files: files ?? undefined }
        );
      }
    }
    this._finish(run, attachments);
  }

  /** The state of an attachment the server did not resolve, or null when it can be assigned. */
  private _resolvedState(item: IResolvedAttachment): IAttachmentState | null {
    const counts = {
      files: item.files ?? undefined,
      missing: item.missing ?? undefined
    };
    if (item.task) {
      const { done, total } = item.task.progress;
      return {
        state: 'resolving',
        message: total
          ? this._trans.__('checking its files: %1 of %2', done, total)
          : this._trans.__('checking its files: %1', done)
      };
    }
    if (item.error) {
      const stopped = item.error.error === 'resolve_cancelled';
      return {
        state: stopped ? 'stopped' : 'waiting',
        message: item.error.message,
        ...counts
      };
    }
    if (item.paths_file || item.value) {
      return null;
    }
    return { state: 'waiting', ...counts };
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._run++;
    this._stopRetry();
    clearTimeout(this._resolving);
    Signal.clearData(this);
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  private async _execute(
    kernel: Kernel.IKernelConnection,
    code: string
  ): Promise<string | null> {
    try {
      const future = kernel.requestExecute({
        code,
        silent: true,
        store_history: false,
        allow_stdin: false,
        stop_on_error: false
      });
      const reply = await future.done;
      if (reply.content.status === 'ok') {
        return null;
      }
      return reply.content.status === 'error'
        ? `${reply.content.ename}: ${reply.content.evalue}`
        : this._trans.__('The kernel did not run the assignment.');
    } catch (error) {
      return String(error);
    }
  }

  private _finish(run: number, attachments: IAttachment[]): void {
    if (run !== this._run || this._disposed) {
      return;
    }
    this._injections++;
    const waiting = attachments.filter(
      a => this.stateOf(a.variable).state === 'waiting'
    );
    this._changed.emit();
    if (attachments.some(a => this.stateOf(a.variable).state === 'resolving')) {
      // Collect the check's outcome soon; the back-off is for what is not there yet.
      clearTimeout(this._resolving);
      this._resolving = setTimeout(() => {
        if (run === this._run && !this._disposed) {
          void this.inject(true);
        }
      }, RESOLVING_INTERVAL);
      return;
    }
    if (waiting.length === 0) {
      this._stopRetry();
      this._reported = false;
      return;
    }
    if (!this._reported) {
      this._reported = true;
      Notification.warning(
        this._trans._n(
          'Rucio: %2 is not available yet; it will be injected once it is.',
          'Rucio: %2 are not available yet; they will be injected once they are.',
          waiting.length,
          waiting.map(a => a.variable).join(', ')
        ),
        { autoClose: 8000 }
      );
    }
    this._startRetry();
  }

  /** Try the waiting attachments now (their data may just have arrived). */
  retryWaiting(): void {
    if (this._hasWaiting()) {
      void this.inject(true);
    }
  }

  private _startRetry(): void {
    if (this._poll) {
      return;
    }
    this._poll = new Poll({
      name: 'jupyterlab-vre:rucio-attachments',
      factory: async () => {
        await this.inject(true);
        if (this._poll && this._hasWaiting()) {
          throw new Error('still waiting'); // backs off
        }
      },
      frequency: {
        interval: this._retry.interval,
        max: this._retry.max,
        backoff: true
      },
      standby: 'when-hidden'
    });
  }

  private _hasWaiting(): boolean {
    return this.attachments.some(
      a => this.stateOf(a.variable).state === 'waiting'
    );
  }

  private _stopRetry(): void {
    const poll = this._poll;
    this._poll = null;
    poll?.dispose();
  }

  private _write(attachments: IAttachment[]): void {
    const metadata = this._notebook.metadata;
    if (!metadata) {
      return;
    }
    writeAttachments(metadata, attachments);
    // The metadata signal triggers the injection of what changed.
    if (!this._notebook.metadataChanged) {
      void this.inject();
    }
  }

  private _onMetadata(): void {
    const key = JSON.stringify(this.attachments);
    if (key === this._lastKey) {
      return;
    }
    this._lastKey = key;
    const known = new Set(this.attachments.map(a => a.variable));
    for (const variable of [...this._states.keys()]) {
      if (!known.has(variable)) {
        this._states.delete(variable);
      }
    }
    this._changed.emit();
    if (this._notebook.kernel()) {
      void this.inject();
    }
  }

  private _onKernel(): void {
    this._states.clear();
    this._needed = true;
    this._changed.emit();
  }

  private _onStatus(_: unknown, status: Kernel.Status): void {
    if (
      status === 'starting' ||
      status === 'restarting' ||
      status === 'autorestarting'
    ) {
      this._needed = true;
      this._states.clear();
      this._changed.emit();
    } else if (status === 'idle' && this._needed) {
      this._needed = false;
      void this.inject();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _defaultInstance: () => string | null;
  private _disposed = false;
  private _injections = 0;
  private _lastKey = '';
  private _needed = false;
  private _notebook: INotebookHandle;
  private _poll: Poll | null = null;
  private _reported = false;
  private _resolving: ReturnType<typeof setTimeout> | undefined = undefined;
  private _retry: { interval: number; max: number };
  private _run = 0;
  private _service: RucioService;
  private _states = new Map<string, IAttachmentState>();
  private _trans: TranslationBundle;
}

export namespace AttachmentInjector {
  export interface IOptions {
    notebook: INotebookHandle;
    service: RucioService;
    /** The instance of attachments migrated from rucio-jupyterlab. */
    defaultInstance: () => string | null;
    trans: TranslationBundle;
    /** Milliseconds between retries of unavailable attachments, growing up to `max`. */
    retry?: { interval: number; max: number };
  }
}
