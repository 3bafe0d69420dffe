import { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard } from '@jupyterlab/apputils';
import { NotebookActions } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { announce } from '../common/a11y';
import { confirmDestructive } from '../common/confirm';
import { asAPIError } from '../common/request';
import { isActive } from '../common/tasks';
import { formatBytes } from '../common/TasksView';
import { askAttach } from './AttachDialog';
import { KernelLanguage } from './attachments';
import { DIDNode } from './listing';
import { RucioModel } from './model';
import { notebookLanguage } from './notebooks';
import { IInstanceInfo } from './service';

/** A link to a DID or a rule in the instance's Rucio web UI, when one is configured. */
export function webUIUrl(
  instance: IInstanceInfo | null,
  target: { did: string } | { rule: string }
): string | null {
  const base = instance?.webui_url?.replace(/\/+$/, '');
  if (!base) {
    return null;
  }
  if ('rule' in target) {
    return `${base}/rule/page/${encodeURIComponent(target.rule)}`;
  }
  const at = target.did.indexOf(':');
  const scope = target.did.slice(0, at);
  const name = target.did.slice(at + 1);
  return `${base}/did/page/${encodeURIComponent(scope)}/${encodeURIComponent(name)}`;
}

/** A code cell that uses an attached DID's variable, in the kernel's language. */
export function usageCode(
  variable: string,
  did: string,
  isCollection: boolean,
  language: KernelLanguage | null
): string {
  switch (language) {
    case 'r':
      return isCollection
        ? `# ${variable}: the local paths of ${did}\nfile.info(${variable})[, "size", drop = FALSE]`
        : `# ${variable}: the local path of ${did}\nfile.info(${variable})$size`;
    case 'julia':
      return isCollection
        ? `# ${variable}: the local paths of ${did}\nfor path in ${variable}\n    println(path, " ", filesize(path))\nend`
        : `# ${variable}: the local path of ${did}\nprintln(${variable}, " ", filesize(${variable}))`;
    default:
      return isCollection
        ? `# ${variable}: the local paths of ${did}\nimport os\nfor path in ${variable}:\n    print(path, os.path.getsize(path))`
        : `# ${variable}: the local path of ${did}\nimport os\nprint(${variable}, os.path.getsize(${variable}))`;
  }
}

/** Why "Make available" cannot run on these DIDs, or null when it can. */
export function makeAvailableBlocker(
  model: RucioModel,
  nodes: readonly DIDNode[],
  trans: TranslationBundle
): string | null {
  if (nodes.length === 0) {
    return trans.__('Select one or more DIDs first.');
  }
  if (model.instance?.mode !== 'replica') {
    return trans.__('This instance downloads data instead.');
  }
  const pending = nodes.filter(node => {
    const task = model.taskOf(node.did);
    const state = model.stateOf(node.did).state;
    return (
      state !== 'available' &&
      state !== 'replicating' &&
      !(task && isActive(task))
    );
  });
  if (pending.length === 0) {
    return nodes.every(node => model.stateOf(node.did).state === 'available')
      ? trans.__(
          'Already available on %1.',
          model.instance.destination_rse ?? ''
        )
      : trans.__('Already being made available.');
  }
  return null;
}

/**
 * What the Rucio panel does with its selection, shared by the action bar,
 * the row buttons and the context menu.
 */
export class RucioActions {
  constructor(
    readonly model: RucioModel,
    readonly trans: TranslationBundle,
    readonly app?: JupyterFrontEnd
  ) {}

  /**
   * Make the DIDs available on the mounted RSE as one task, after a warning
   * when that would pass the account's quota there. Returns a message to show.
   */
  async makeAvailable(nodes: readonly DIDNode[]): Promise<string | null> {
    const { model, trans } = this;
    const blocker = makeAvailableBlocker(model, nodes, trans);
    if (blocker) {
      return blocker;
    }
    const wanted = nodes.filter(
      node => model.stateOf(node.did).state !== 'available'
    );
    if (!model.quota) {
      await model.loadQuota().catch(() => null); // no quota known: no warning
    }
    const check = model.quotaCheck(wanted);
    if (check?.exceeds) {
      const askAnyway = await confirmDestructive({
        title: trans.__('Over your quota on %1', check.rse),
        body: trans.__(
          'Making this available needs %1 on %2, where you use %3 of your %4 quota. Rucio will refuse the rule unless space is freed: remove rules you no longer need under My rules.',
          formatBytes(check.needed),
          check.rse,
          formatBytes(check.used),
          formatBytes(check.limit)
        ),
        accept: trans.__('Ask Rucio anyway'),
        trans
      });
      if (!askAnyway) {
        return trans.__('Not started: over quota.');
      }
    }
    try {
      const task = await model.makeAvailable(wanted);
      const message = trans.__('Started: %1', task.title);
      announce(message);
      return message;
    } catch (error) {
      return asAPIError(error).message;
    }
  }

  /** Download the DIDs into the workspace (download mode), as one task. */
  async download(nodes: readonly DIDNode[]): Promise<string | null> {
    const { model, trans } = this;
    try {
      const task = await model.download(nodes);
      const message = trans.__('Started: %1', task.title);
      announce(message);
      return message;
    } catch (error) {
      return asAPIError(error).message;
    }
  }

  /**
   * Attach a DID to the current notebook with the attach dialog; optionally
   * make it available first. Resolves to the variable, or null.
   */
  async attach(node: DIDNode): Promise<string | null> {
    const { model, trans } = this;
    const notebooks = model.notebooks;
    const instance = model.instance;
    if (!notebooks?.currentPanel || !instance) {
      return null;
    }
    let makeAvailable = false;
    let chosen: string | null = null;
    const item = model.itemOf(node);
    const attached = await notebooks.attach(
      instance.name,
      node.did,
      async (panel, language, taken) => {
        const choice = await askAttach({
          did: node.did,
          isCollection: node.isCollection,
          files: node.isCollection ? (item.length ?? null) : null,
          notebook: panel.title.label,
          language,
          taken,
          state: model.stateOf(node.did),
          rse: instance.mode === 'replica' ? instance.destination_rse : null,
          trans
        });
        makeAvailable = choice?.makeAvailable ?? false;
        chosen = choice?.variable ?? null;
        return chosen;
      }
    );
    if (!attached || chosen === null) {
      return null;
    }
    announce(trans.__('Attached %1 as %2', node.did, chosen as string));
    if (makeAvailable) {
      await this.makeAvailable([node]);
    }
    return chosen;
  }

  /**
   * "Insert into notebook": attach the DID (if it is not yet) and add a code
   * cell under the active one that uses its variable, in the kernel's language.
   */
  async insertIntoNotebook(node: DIDNode): Promise<string | null> {
    const notebooks = this.model.notebooks;
    const panel = notebooks?.currentPanel;
    if (!notebooks || !panel) {
      return null;
    }
    await panel.context.ready;
    const existing = notebooks
      .injectorOf(panel)
      ?.attachments.find(a => a.did === node.did);
    const variable = existing?.variable ?? (await this.attach(node));
    if (!variable) {
      return null;
    }
    const language = await notebookLanguage(panel);
    NotebookActions.insertBelow(panel.content);
    panel.content.activeCell?.model.sharedModel.setSource(
      usageCode(variable, node.did, node.isCollection, language)
    );
    const message = this.trans.__(
      'Inserted a cell that uses %1 into %2',
      variable,
      panel.title.label
    );
    announce(message);
    return message;
  }

  /** Copy text (a path, paths) and say so. */
  copy(text: string, what: string): string {
    Clipboard.copyToSystem(text);
    const message = this.trans.__('Copied %1', what);
    announce(message);
    return message;
  }
}
