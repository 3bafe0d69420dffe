import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import {
  KernelLanguage,
  suggestVariable,
  variableProblem
} from './attachments';
import { IDIDState } from './model';

/** What the user chose in the attach dialog. */
export interface IAttachChoice {
  variable: string;
  /** Start making the DID available first (it is injected once it is). */
  makeAvailable: boolean;
}

export interface IAttachDialogOptions {
  did: string;
  isCollection: boolean;
  /** Files in the collection, when known. */
  files: number | null;
  notebook: string;
  language: KernelLanguage | null;
  taken: string[];
  state: IDIDState;
  /** The RSE data is made available on; null in download mode. */
  rse: string | null;
  trans: TranslationBundle;
}

/** What the variable will hold, in the kernel's own terms. */
export function variableMeaning(
  options: Pick<
    IAttachDialogOptions,
    'isCollection' | 'files' | 'language' | 'trans'
  >
): string {
  const { isCollection, files, language, trans } = options;
  if (!isCollection) {
    return language === 'r'
      ? trans.__('a character string: the local path of the file')
      : trans.__('a string: the local path of the file');
  }
  const count =
    files === null
      ? trans.__('one per file')
      : trans._n('%1 path', '%1 paths', files);
  switch (language) {
    case 'r':
      return trans.__('a character vector of local paths (%1), sorted', count);
    case 'julia':
      return trans.__('a Vector{String} of local paths (%1), sorted', count);
    default:
      return trans.__('a list of local paths (%1), sorted', count);
  }
}

class AttachBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IAttachChoice>
{
  constructor(
    private _options: IAttachDialogOptions,
    initial: IAttachChoice
  ) {
    super();
    this._choice = initial;
    this.addClass('jp-vre-AttachDialog');
  }

  getValue(): IAttachChoice {
    return this._choice;
  }

  /** Why the variable cannot be used, or null. */
  problem(): string | null {
    const { variable } = this._choice;
    const problem = variableProblem(variable, this._options.language);
    if (problem) {
      return this._options.trans.__(problem);
    }
    return this._options.taken.includes(variable)
      ? this._options.trans.__('This variable is already attached.')
      : null;
  }

  protected render(): JSX.Element {
    return (
      <AttachForm
        options={this._options}
        initial={this._choice}
        problem={() => this.problem()}
        onChange={choice => (this._choice = choice)}
      />
    );
  }

  private _choice: IAttachChoice;
}

function AttachForm(props: {
  options: IAttachDialogOptions;
  initial: IAttachChoice;
  problem: () => string | null;
  onChange: (choice: IAttachChoice) => void;
}): JSX.Element {
  const { options, initial, onChange } = props;
  const { trans, did, notebook, state, rse } = options;
  const [choice, setChoice] = useState(initial);
  const update = (next: IAttachChoice) => {
    setChoice(next);
    onChange(next);
  };
  const problem = props.problem();
  const available = state.state === 'available';
  return (
    <div className="jp-vre-AttachForm">
      <p>{trans.__('Attach %1 to %2.', did, notebook)}</p>
      <label htmlFor="jp-vre-attach-variable">
        {trans.__('Variable name')}
      </label>
      <input
        id="jp-vre-attach-variable"
        className="jp-mod-styled"
        value={choice.variable}
        spellCheck={false}
        autoFocus
        aria-invalid={problem !== null}
        aria-describedby="jp-vre-attach-meaning jp-vre-attach-problem"
        onChange={event =>
          update({ ...choice, variable: event.currentTarget.value.trim() })
        }
      />
      <p id="jp-vre-attach-problem" className="jp-vre-AttachForm-problem">
        {problem ?? ''}
      </p>
      <p id="jp-vre-attach-meaning">
        {trans.__(
          '%1 will hold %2. It is set in the kernel now and again after every restart.',
          choice.variable || trans.__('The variable'),
          variableMeaning(options)
        )}
      </p>
      {!available && rse && (
        <div className="jp-vre-AttachForm-availability">
          <p>
            {state.state === 'replicating'
              ? trans.__(
                  'The data is being made available on %1; the variable is set as soon as it is.',
                  rse
                )
              : trans.__('The data is not available on %1 yet.', rse)}
          </p>
          {state.state !== 'replicating' && (
            <label>
              <input
                type="checkbox"
                checked={choice.makeAvailable}
                onChange={event =>
                  update({
                    ...choice,
                    makeAvailable: event.currentTarget.checked
                  })
                }
              />{' '}
              {trans.__(
                'Make it available now (the variable is set as soon as it is)'
              )}
            </label>
          )}
        </div>
      )}
    </div>
  );
}

/** Ask for the variable of an attachment, saying what it will hold; null if cancelled. */
export async function askAttach(
  options: IAttachDialogOptions
): Promise<IAttachChoice | null> {
  const { trans } = options;
  let choice: IAttachChoice = {
    variable: suggestVariable(options.did, options.taken),
    makeAvailable:
      options.state.state === 'not_available' && options.rse !== null
  };
  for (;;) {
    const body = new AttachBody(options, choice);
    const result = await showDialog({
      title: trans.__('Attach to notebook'),
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Attach') })
      ],
      focusNodeSelector: 'input'
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    if (!body.problem()) {
      return result.value;
    }
    choice = result.value; // shown again, with the problem under the name
  }
}
