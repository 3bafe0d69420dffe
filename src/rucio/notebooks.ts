import { InputDialog } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import {
  kernelLanguage,
  suggestVariable,
  variableProblem
} from './attachments';
import { AttachmentInjector, notebookHandle } from './injector';
import { RucioModel } from './model';

/** The kernel language a notebook declares (running kernel first, then its metadata). */
export async function notebookLanguage(
  panel: NotebookPanel
): Promise<ReturnType<typeof kernelLanguage>> {
  const kernel = panel.sessionContext.session?.kernel;
  if (kernel) {
    try {
      return kernelLanguage((await kernel.info).language_info.name);
    } catch {
      // fall back to the metadata
    }
  }
  const info = panel.model?.getMetadata('language_info') as
    { name?: string } | undefined;
  const spec = panel.model?.getMetadata('kernelspec') as
    { language?: string } | undefined;
  return kernelLanguage(info?.name ?? spec?.language);
}

/** Ask for a variable name valid in the notebook's kernel language; null if cancelled. */
export async function askVariable(
  trans: TranslationBundle,
  did: string,
  panel: NotebookPanel,
  taken: string[],
  initial?: string
): Promise<string | null> {
  const language = await notebookLanguage(panel);
  let text = initial ?? suggestVariable(did, taken);
  let problem: string | null = null;
  for (;;) {
    const label = trans.__(
      'Variable name for %1 in %2',
      did,
      panel.title.label
    );
    const answer = await InputDialog.getText({
      title: trans.__('Attach to notebook'),
      label: problem ? `${trans.__(problem)} ${label}` : label,
      text,
      okLabel: trans.__('Attach')
    });
    if (!answer.button.accept || answer.value === null) {
      return null;
    }
    text = answer.value.trim();
    problem = variableProblem(text, language);
    if (!problem && taken.includes(text)) {
      problem = 'This variable is already attached.';
    }
    if (!problem) {
      return text;
    }
  }
}

/** Asks for an attachment's variable in a notebook; null if cancelled. */
export type VariableChooser = (
  panel: NotebookPanel,
  language: ReturnType<typeof kernelLanguage>,
  taken: string[]
) => Promise<string | null>;

/**
 * The open notebooks' attachment injectors, and which one is current: what
 * the panel's attachment list and the attach commands work on.
 */
export class NotebookAttachments {
  constructor(options: NotebookAttachments.IOptions) {
    this.tracker = options.tracker;
    this._model = options.model;
    this._trans = options.trans;
    this.tracker.widgetAdded.connect((_, panel) => this._track(panel));
    this.tracker.currentChanged.connect(() => this._changed.emit());
    this.tracker.forEach(panel => this._track(panel));
    this._model.connection.tasks.changed.connect(this._onTasks, this);
  }

  readonly tracker: INotebookTracker;

  /** Emitted when the current notebook or its attachments change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get currentPanel(): NotebookPanel | null {
    return this.tracker.currentWidget;
  }

  /** The current notebook's injector, once its model is ready. */
  get current(): AttachmentInjector | null {
    const panel = this.tracker.currentWidget;
    return panel ? (this._injectors.get(panel) ?? null) : null;
  }

  injectorOf(panel: NotebookPanel): AttachmentInjector | null {
    return this._injectors.get(panel) ?? null;
  }

  /**
   * Attach a DID to the current notebook, asking for the variable (with
   * `choose` when given); false if none or cancelled.
   */
  async attach(
    instance: string,
    did: string,
    choose?: VariableChooser
  ): Promise<boolean> {
    const panel = this.tracker.currentWidget;
    if (!panel) {
      return false;
    }
    await panel.context.ready;
    const injector = this._injectors.get(panel);
    if (!injector) {
      return false;
    }
    const taken = injector.attachments.map(a => a.variable);
    const variable = choose
      ? await choose(panel, await notebookLanguage(panel), taken)
      : await askVariable(this._trans, did, panel, taken);
    if (variable === null) {
      return false;
    }
    injector.set({ instance, did, variable });
    return true;
  }

  /** Rename an attachment's variable in the current notebook. */
  async rename(variable: string): Promise<boolean> {
    const panel = this.tracker.currentWidget;
    const injector = panel ? this._injectors.get(panel) : undefined;
    const attachment = injector?.attachments.find(a => a.variable === variable);
    if (!panel || !injector || !attachment) {
      return false;
    }
    const taken = injector.attachments
      .map(a => a.variable)
      .filter(v => v !== variable);
    const renamed = await askVariable(
      this._trans,
      attachment.did,
      panel,
      taken,
      variable
    );
    if (renamed === null) {
      return false;
    }
    injector.set({ ...attachment, variable: renamed }, variable);
    return true;
  }

  /**
   * A make-available that just succeeded may complete a waiting attachment:
   * try the waiting ones at once rather than at their back-off's next turn.
   */
  private _onTasks(): void {
    const succeeded = this._model.connection.tasks.tasks.filter(
      task => task.kind === 'rucio.make_available' && task.state === 'succeeded'
    );
    const fresh = succeeded.filter(task => !this._succeeded.has(task.id));
    fresh.forEach(task => this._succeeded.add(task.id));
    if (fresh.length > 0) {
      this._injectors.forEach(injector => injector.retryWaiting());
    }
  }

  private _track(panel: NotebookPanel): void {
    if (this._injectors.has(panel)) {
      return;
    }
    void panel.context.ready.then(() => {
      if (panel.isDisposed || this._injectors.has(panel)) {
        return;
      }
      const injector = new AttachmentInjector({
        notebook: notebookHandle(panel),
        service: this._model.service,
        defaultInstance: () => this._model.defaultInstance,
        trans: this._trans
      });
      this._injectors.set(panel, injector);
      injector.changed.connect(() => this._changed.emit());
      panel.disposed.connect(() => {
        injector.dispose();
        this._injectors.delete(panel);
        this._changed.emit();
      });
      this._added.emit({ panel, injector });
      this._changed.emit();
    });
  }

  /** Emitted when a notebook's injector is created. */
  get added(): ISignal<
    this,
    { panel: NotebookPanel; injector: AttachmentInjector }
  > {
    return this._added;
  }

  private _added = new Signal<
    this,
    { panel: NotebookPanel; injector: AttachmentInjector }
  >(this);
  private _changed = new Signal<this, void>(this);
  private _injectors = new Map<NotebookPanel, AttachmentInjector>();
  private _succeeded = new Set<string>();
  private _model: RucioModel;
  private _trans: TranslationBundle;
}

export namespace NotebookAttachments {
  export interface IOptions {
    tracker: INotebookTracker;
    model: RucioModel;
    trans: TranslationBundle;
  }
}
