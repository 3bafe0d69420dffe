import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

export interface IConfirmOptions {
  title: string;
  /** What will be lost, in plain words. */
  body: string;
  /** The destructive button's label, e.g. "Delete workflow". */
  accept: string;
  trans: TranslationBundle;
}

/**
 * Ask before a destructive action: Cancel is the default button, the
 * destructive one is styled as a warning. Resolves to true when confirmed.
 */
export async function confirmDestructive(
  options: IConfirmOptions
): Promise<boolean> {
  const { title, body, accept, trans } = options;
  const result = await showDialog({
    title,
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: accept })
    ],
    defaultButton: 0
  });
  return result.button.accept;
}
