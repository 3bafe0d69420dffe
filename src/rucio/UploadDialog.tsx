import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useRef, useState } from 'react';

import { asAPIError } from '../common/request';
import {
  IInstanceInfo,
  IRSEInfo,
  IUploadRequest,
  RucioService
} from './service';

/** What the upload form holds; `dataset` and `lifetime` may stay empty. */
export interface IUploadForm {
  instance: string;
  rse: string;
  scope: string;
  dataset: string;
  lifetime: string;
}

/** The request for a form, or the (English source) reason it cannot be sent. */
export function uploadRequest(
  form: IUploadForm,
  path: string
): { request: IUploadRequest } | { problem: string } {
  if (!form.instance) {
    return { problem: 'Choose a Rucio instance.' };
  }
  if (!form.rse) {
    return { problem: 'Choose the RSE to upload to.' };
  }
  if (!form.scope) {
    return { problem: 'Choose a scope.' };
  }
  const request: IUploadRequest = { path, rse: form.rse, scope: form.scope };
  const dataset = form.dataset.trim();
  if (dataset) {
    if (!/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.\-/+]+$/.test(dataset)) {
      return { problem: 'Give the dataset as scope:name, or leave it empty.' };
    }
    request.dataset = dataset;
  }
  const lifetime = form.lifetime.trim();
  if (lifetime) {
    const days = Number(lifetime);
    if (!Number.isInteger(days) || days < 1) {
      return {
        problem: 'The lifetime is a whole number of days, or empty for none.'
      };
    }
    request.lifetime_days = days;
  }
  return { request };
}

export function UploadFormView(props: {
  form: IUploadForm;
  instances: IInstanceInfo[];
  service: RucioService;
  trans: TranslationBundle;
  path: string;
  onChange: (form: IUploadForm) => void;
}): JSX.Element {
  const { instances, service, trans, path, onChange } = props;
  const [form, setForm] = useState(props.form);
  const [rses, setRSEs] = useState<IRSEInfo[]>([]);
  const [scopes, setScopes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  // The latest form, also for answers that arrive after the user changed it (a render's
  // `form` would be stale there and undo the change).
  const latest = useRef(form);
  const update = (change: Partial<IUploadForm>) => {
    const next = { ...latest.current, ...change };
    latest.current = next;
    setForm(next);
    onChange(next);
  };

  useEffect(() => {
    let current = true;
    setError(null);
    Promise.all([
      service.rses(form.instance),
      service.scopes(form.instance),
      service.account(form.instance).catch(() => null)
    ])
      .then(([rseList, scopeList, account]) => {
        if (!current) {
          return;
        }
        setRSEs(rseList);
        setScopes(scopeList);
        const own = account ? `user.${account.account}` : '';
        const { rse, scope } = latest.current;
        update({
          rse: rseList.find(r => r.rse === rse)?.rse ?? rseList[0]?.rse ?? '',
          scope: scopeList.includes(scope)
            ? scope
            : scopeList.includes(own)
              ? own
              : (scopeList[0] ?? '')
        });
      })
      .catch(reason => current && setError(asAPIError(reason).message));
    return () => {
      current = false;
    };
  }, [form.instance]);

  return (
    <div className="jp-vre-UploadForm">
      <p>{trans.__('Upload %1 to Rucio.', path)}</p>
      <label>
        {trans.__('Instance')}
        <select
          className="jp-mod-styled"
          value={form.instance}
          onChange={e => update({ instance: e.currentTarget.value })}
        >
          {instances.map(i => (
            <option key={i.name} value={i.name}>
              {i.display_name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {trans.__('RSE')}
        <select
          className="jp-mod-styled"
          name="rse"
          value={form.rse}
          onChange={e => update({ rse: e.currentTarget.value })}
        >
          {rses.map(r => (
            <option key={r.rse} value={r.rse}>
              {r.rse}
            </option>
          ))}
        </select>
      </label>
      <label>
        {trans.__('Scope')}
        <select
          className="jp-mod-styled"
          name="scope"
          value={form.scope}
          onChange={e => update({ scope: e.currentTarget.value })}
        >
          {scopes.map(s => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        {trans.__('Dataset (optional, scope:name; created if missing)')}
        <input
          className="jp-mod-styled"
          name="dataset"
          value={form.dataset}
          placeholder={form.scope ? `${form.scope}:my-dataset` : ''}
          onChange={e => update({ dataset: e.currentTarget.value })}
        />
      </label>
      <label>
        {trans.__('Lifetime in days (optional)')}
        <input
          className="jp-mod-styled"
          name="lifetime"
          type="number"
          min={1}
          value={form.lifetime}
          onChange={e => update({ lifetime: e.currentTarget.value })}
        />
      </label>
      {error && (
        <p className="jp-vre-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

class UploadBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IUploadForm>
{
  constructor(
    private _props: Omit<
      React.ComponentProps<typeof UploadFormView>,
      'onChange'
    >
  ) {
    super();
    this._form = _props.form;
  }

  getValue(): IUploadForm {
    return this._form;
  }

  protected render(): JSX.Element {
    return (
      <UploadFormView {...this._props} onChange={form => (this._form = form)} />
    );
  }

  private _form: IUploadForm;
}

/** Ask where to upload `path`; the request, or null if cancelled. */
export async function askUpload(options: {
  path: string;
  instances: IInstanceInfo[];
  defaultInstance: string | null;
  service: RucioService;
  trans: TranslationBundle;
}): Promise<(IUploadRequest & { instance: string }) | null> {
  const { path, instances, service, trans } = options;
  let form: IUploadForm = {
    instance: options.defaultInstance ?? instances[0]?.name ?? '',
    rse: '',
    scope: '',
    dataset: '',
    lifetime: ''
  };
  for (;;) {
    const result = await showDialog({
      title: trans.__('Upload to Rucio'),
      body: new UploadBody({ form, instances, service, trans, path }),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Upload') })
      ]
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    form = result.value;
    const checked = uploadRequest(form, path);
    if ('request' in checked) {
      return { ...checked.request, instance: form.instance };
    }
    await showDialog({
      title: trans.__('Upload to Rucio'),
      body: trans.__(checked.problem),
      buttons: [Dialog.okButton({ label: trans.__('Change') })]
    });
  }
}
