import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { IValidationMessage, IValidationReport } from './api';

/** What the user chose in the "Run on REANA" dialog. */
export interface IRunChoice {
  name: string;
  /** Only the parameters changed from the reana.yaml's values. */
  parameters: Record<string, string>;
  /** REANA's operational options the user filled in (e.g. TARGET, FROM, report). */
  operationalOptions: Record<string, string>;
}

/** What each operational option does, as REANA documents it. */
const OPTION_HELP: Record<string, string> = {
  CACHE: 'on or off: reuse the results of unchanged serial steps',
  FROM: 'the serial step to start from',
  TARGET: 'the step to stop at (serial) or the output/step to compute (CWL)',
  report: 'the Snakemake report file to write',
  toplevel: 'where Yadage finds the workflow files',
  initdir: 'the folder Yadage starts in',
  initfiles: 'files holding the initial Yadage parameters',
  accept_metadir: 'whether Yadage may reuse an existing metadata folder'
};

/** REANA workflow names: letters, digits, '-' and '_'. */
export function workflowName(folder: string): string {
  const name = folder
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return name || 'workflow';
}

export function Messages(props: {
  messages: IValidationMessage[];
  trans: TranslationBundle;
}): JSX.Element | null {
  if (props.messages.length === 0) {
    return null;
  }
  return (
    <ul className="jp-vre-ReanaMessages">
      {props.messages.map((message, index) => (
        <li key={index} className={`jp-mod-${message.severity}`}>
          {message.severity === 'error'
            ? props.trans.__('Error: %1', message.message)
            : props.trans.__('Warning: %1', message.message)}
        </li>
      ))}
    </ul>
  );
}

function RunForm(props: {
  report: IValidationReport;
  choice: IRunChoice;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, choice, trans } = props;
  const [name, setName] = useState(choice.name);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      Object.entries(report.parameters).map(([k, v]) => [k, String(v)])
    )
  );
  return (
    <div className="jp-vre-ReanaRun">
      <p className={report.valid ? 'jp-mod-valid' : 'jp-mod-invalid'}>
        {report.valid
          ? trans.__(
              '%1 is a valid %2 workflow.',
              report.source,
              report.workflow_type ?? ''
            )
          : trans.__('%1 is not valid:', report.source)}
      </p>
      <Messages messages={report.messages} trans={trans} />
      {report.valid && (
        <>
          <label className="jp-vre-ReanaRun-field">
            {trans.__('Workflow name')}
            <input
              className="jp-mod-styled"
              value={name}
              pattern="[A-Za-z0-9_\-]{1,128}"
              onChange={event => {
                setName(event.target.value);
                choice.name = event.target.value;
              }}
            />
          </label>
          {Object.keys(values).length > 0 && <h4>{trans.__('Parameters')}</h4>}
          {Object.entries(values).map(([key, value]) => (
            <label key={key} className="jp-vre-ReanaRun-field">
              {key}
              <input
                className="jp-mod-styled"
                value={
                  typeof report.parameters[key] === 'object'
                    ? JSON.stringify(report.parameters[key])
                    : value
                }
                disabled={typeof report.parameters[key] === 'object'}
                onChange={event => {
                  const next = { ...values, [key]: event.target.value };
                  setValues(next);
                  if (String(report.parameters[key]) === event.target.value) {
                    delete choice.parameters[key];
                  } else {
                    choice.parameters[key] = event.target.value;
                  }
                }}
              />
            </label>
          ))}
          {(report.operational_options ?? []).length > 0 && (
            <details className="jp-vre-ReanaRun-options">
              <summary>
                {trans.__(
                  'Operational options (%1)',
                  report.workflow_type ?? ''
                )}
              </summary>
              {(report.operational_options ?? []).map(option => (
                <label key={option} className="jp-vre-ReanaRun-field">
                  {option}
                  <input
                    className="jp-mod-styled"
                    name={`option-${option}`}
                    placeholder={trans.__(OPTION_HELP[option] ?? '')}
                    title={trans.__(OPTION_HELP[option] ?? '')}
                    onChange={event => {
                      if (event.target.value) {
                        choice.operationalOptions[option] = event.target.value;
                      } else {
                        delete choice.operationalOptions[option];
                      }
                    }}
                  />
                </label>
              ))}
            </details>
          )}
        </>
      )}
    </div>
  );
}

class RunBody extends ReactWidget implements Dialog.IBodyWidget<IRunChoice> {
  constructor(
    private readonly _report: IValidationReport,
    private readonly _choice: IRunChoice,
    private readonly _trans: TranslationBundle
  ) {
    super();
  }

  getValue(): IRunChoice {
    return this._choice;
  }

  protected render(): JSX.Element {
    return (
      <RunForm
        report={this._report}
        choice={this._choice}
        trans={this._trans}
      />
    );
  }
}

/** Show the validation result; for a valid file, ask for a name and parameters. Null: cancelled. */
export async function askToRun(
  report: IValidationReport,
  defaultName: string,
  trans: TranslationBundle
): Promise<IRunChoice | null> {
  const choice: IRunChoice = {
    name: defaultName,
    parameters: {},
    operationalOptions: {}
  };
  const result = await showDialog({
    title: trans.__('Run on REANA'),
    body: new RunBody(report, choice, trans),
    buttons: report.valid
      ? [Dialog.cancelButton(), Dialog.okButton({ label: trans.__('Run') })]
      : [Dialog.okButton({ label: trans.__('Close') })]
  });
  if (!report.valid || !result.button.accept || !result.value) {
    return null;
  }
  return result.value;
}
