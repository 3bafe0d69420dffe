import {
  Dialog,
  InputDialog,
  ReactWidget,
  showDialog
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

/** Ask where the outputs go; null when cancelled. */
export async function askDownloadFolder(
  name: string,
  trans: TranslationBundle
): Promise<string | null> {
  const answer = await InputDialog.getText({
    title: trans.__('Download the outputs of %1', name),
    label: trans.__('Into this workspace folder:'),
    text: `reana-outputs/${name}`,
    okLabel: trans.__('Download')
  });
  if (!answer.button.accept || !answer.value?.trim()) {
    return null;
  }
  return answer.value.trim().replace(/^\/+/, '');
}

function ParametersForm(props: {
  values: Record<string, string>;
  changed: Record<string, string>;
  trans: TranslationBundle;
}): JSX.Element {
  const { values, changed, trans } = props;
  const [shown, setShown] = useState(values);
  const keys = Object.keys(values);
  return (
    <div className="jp-vre-ReanaRun">
      {keys.length === 0 ? (
        <p>
          {trans.__(
            'This workflow takes no parameters; it runs again as it was.'
          )}
        </p>
      ) : (
        <p>
          {trans.__(
            'The new run gets the same inputs; change the parameters it starts with:'
          )}
        </p>
      )}
      {keys.map(key => (
        <label key={key} className="jp-vre-ReanaRun-field">
          {key}
          <input
            className="jp-mod-styled"
            value={shown[key]}
            onChange={event => {
              setShown({ ...shown, [key]: event.target.value });
              if (event.target.value === values[key]) {
                delete changed[key];
              } else {
                changed[key] = event.target.value;
              }
            }}
          />
        </label>
      ))}
    </div>
  );
}

class ParametersBody
  extends ReactWidget
  implements Dialog.IBodyWidget<Record<string, string>>
{
  constructor(
    private readonly _values: Record<string, string>,
    private readonly _trans: TranslationBundle
  ) {
    super();
  }

  getValue(): Record<string, string> {
    return this._changed;
  }

  protected render(): JSX.Element {
    return (
      <ParametersForm
        values={this._values}
        changed={this._changed}
        trans={this._trans}
      />
    );
  }

  private _changed: Record<string, string> = {};
}

/** "Run again with…": the run's parameters to change; only the changed ones, or null when cancelled. */
export async function askParameters(
  name: string,
  parameters: Record<string, unknown>,
  trans: TranslationBundle
): Promise<Record<string, string> | null> {
  const values = Object.fromEntries(
    Object.entries(parameters).map(([key, value]) => [key, String(value)])
  );
  const result = await showDialog({
    title: trans.__('Run %1 again', name),
    body: new ParametersBody(values, trans),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('Run again') })
    ]
  });
  return result.button.accept ? (result.value ?? {}) : null;
}
