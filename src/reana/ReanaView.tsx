import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button, HTMLSelect, UseSignal } from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useState } from 'react';

import { IVREConnection } from '../common/connection';
import { asAPIError } from '../common/request';
import { usePoll } from '../common/polled';
import { formatBytes } from '../common/TasksView';
import {
  IReanaConnection,
  isRunning,
  IStepLog,
  IWorkflow,
  IWorkspaceFile,
  LISTED_STATUSES
} from './api';
import { ACTIVE_SECONDS, WorkflowsModel } from './model';
import { SecretsView } from './SecretsView';

export interface IReanaViewProps {
  model: WorkflowsModel;
  connection: IVREConnection;
  trans: TranslationBundle;
}

/** The REANA panel's own part: who the user is on REANA, their workflows, one workflow's details. */
export function ReanaView(props: IReanaViewProps): JSX.Element {
  const { model, connection, trans } = props;
  return (
    <div className="jp-vre-ReanaView">
      <ReanaAccount model={model} connection={connection} trans={trans} />
      <WorkflowList model={model} trans={trans} />
      <UseSignal signal={connection.auth.changed}>
        {() => (
          <SecretsView
            client={model.client}
            auth={connection.auth}
            trans={trans}
          />
        )}
      </UseSignal>
      <UseSignal signal={model.selectedChanged} initialArgs={model.selected}>
        {(_, selected) =>
          selected ? (
            <WorkflowDetails
              key={selected}
              id={selected}
              model={model}
              connection={connection}
              trans={trans}
            />
          ) : null
        }
      </UseSignal>
    </div>
  );
}

/** `GET ping` again whenever the sign-in state changes (e.g. a token was entered). */
function ReanaAccount(props: IReanaViewProps): JSX.Element {
  const { model, connection, trans } = props;
  const [you, setYou] = useState<IReanaConnection | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [signedOut, setSignedOut] = useState(false);
  const ping = useCallback(async () => {
    try {
      setYou(await model.client.ping());
      setError(null);
      setSignedOut(false);
      void model.refresh();
    } catch (reason) {
      const failure = asAPIError(reason);
      setYou(null);
      // Not connected yet: the connection list above says what to enter.
      setSignedOut(failure.status === 401);
      setError(failure.status === 401 ? null : failure.message);
    }
  }, [model]);
  useEffect(() => {
    void ping();
    const onChange = () => void ping();
    connection.auth.changed.connect(onChange);
    return () => {
      connection.auth.changed.disconnect(onChange);
    };
  }, [connection, ping]);
  if (error) {
    return (
      <p className="jp-vre-ReanaView-error" role="alert">
        {error}
      </p>
    );
  }
  if (signedOut) {
    return (
      <p className="jp-vre-ReanaView-account">
        {trans.__('Connect to REANA above to see your workflows.')}
      </p>
    );
  }
  if (!you) {
    return <p>{trans.__('Connecting to REANA…')}</p>;
  }
  return (
    <p className="jp-vre-ReanaView-account">
      {trans.__(
        'REANA %1 at %2, as %3',
        you.server_version ?? '?',
        you.server_url,
        you.email ?? you.username ?? '?'
      )}
    </p>
  );
}

function StatusBadge(props: {
  status: string;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <span className={`jp-vre-ReanaBadge jp-mod-${props.status}`}>
      {props.status}
    </span>
  );
}

function WorkflowList(props: {
  model: WorkflowsModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const [search, setSearch] = useState('');
  return (
    <section
      className="jp-vre-ReanaWorkflows"
      aria-label={trans.__('REANA workflows')}
    >
      <h3>{trans.__('Workflows')}</h3>
      <div className="jp-vre-ReanaWorkflows-filters">
        <HTMLSelect
          aria-label={trans.__('Status')}
          value={model.query.status ?? ''}
          onChange={event =>
            void model.setQuery({ status: event.target.value, page: 1 })
          }
        >
          <option value="">{trans.__('Any status')}</option>
          {LISTED_STATUSES.map(status => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </HTMLSelect>
        <input
          className="jp-vre-ReanaWorkflows-search jp-mod-styled"
          aria-label={trans.__('Search workflows by name')}
          placeholder={trans.__('Name contains…')}
          value={search}
          onChange={event => setSearch(event.target.value)}
          onKeyDown={event => {
            if (event.key === 'Enter') {
              void model.setQuery({ search, page: 1 });
            }
          }}
        />
        <Button
          small
          minimal
          title={trans.__('Refresh the workflow list')}
          onClick={() => void model.setQuery({ search })}
        >
          {trans.__('Reload')}
        </Button>
      </div>
      <UseSignal signal={model.changed}>
        {() => {
          const page = model.page;
          if (!page) {
            return model.error ? null : <p>{trans.__('Loading…')}</p>;
          }
          if (page.items.length === 0) {
            return <p>{trans.__('No workflows.')}</p>;
          }
          return (
            <>
              <ul className="jp-vre-ReanaWorkflows-list">
                {page.items.map(workflow => (
                  <WorkflowRow
                    key={workflow.id}
                    workflow={workflow}
                    model={model}
                    trans={trans}
                  />
                ))}
              </ul>
              <div className="jp-vre-ReanaWorkflows-pages">
                <Button
                  small
                  minimal
                  disabled={page.page <= 1}
                  onClick={() => void model.setQuery({ page: page.page - 1 })}
                >
                  {trans.__('Previous')}
                </Button>
                <span>
                  {trans.__(
                    'Page %1 of %2',
                    page.page,
                    Math.max(1, Math.ceil(page.total / page.size))
                  )}
                </span>
                <Button
                  small
                  minimal
                  disabled={!page.has_next}
                  onClick={() => void model.setQuery({ page: page.page + 1 })}
                >
                  {trans.__('Next')}
                </Button>
              </div>
            </>
          );
        }}
      </UseSignal>
    </section>
  );
}

function WorkflowRow(props: {
  workflow: IWorkflow;
  model: WorkflowsModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { workflow, model, trans } = props;
  const { jobs } = workflow;
  return (
    <li
      className={`jp-vre-ReanaWorkflow${model.selected === workflow.id ? ' jp-mod-selected' : ''}`}
      data-workflow={workflow.name}
    >
      <button
        className="jp-vre-ReanaWorkflow-open"
        onClick={() => {
          model.selected = workflow.id;
          void model.refresh();
        }}
        aria-expanded={model.selected === workflow.id}
      >
        <span className="jp-vre-ReanaWorkflow-name">{workflow.name}</span>
        <StatusBadge status={workflow.status} trans={trans} />
      </button>
      {jobs.total > 0 && (
        <span className="jp-vre-ReanaWorkflow-steps">
          {trans.__('%1 of %2 jobs done', jobs.finished, jobs.total)}
          {workflow.current_step && isRunning(workflow)
            ? ` · ${workflow.current_step}`
            : ''}
        </span>
      )}
    </li>
  );
}

interface IDetailsProps {
  id: string;
  model: WorkflowsModel;
  connection: IVREConnection;
  trans: TranslationBundle;
}

/** Steps with their logs (followed while the run is active), workspace files, actions. */
function WorkflowDetails(props: IDetailsProps): JSX.Element {
  const { id, model, connection, trans } = props;
  const [workflow, setWorkflow] = useState<IWorkflow | null>(
    model.find(id) ?? null
  );
  const [steps, setSteps] = useState<IStepLog[]>([]);
  const [files, setFiles] = useState<IWorkspaceFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (): Promise<IWorkflow | null> => {
    try {
      const [current, logs, listing] = await Promise.all([
        model.client.workflow(id),
        model.client.logs(id),
        model.client.files(id)
      ]);
      setWorkflow(current);
      setSteps(logs.steps);
      setFiles(listing.items);
      setError(null);
      return current;
    } catch (reason) {
      setError(asAPIError(reason).message);
      return null;
    }
  }, [id, model]);

  // Every ACTIVE_SECONDS while the run may still change; once when it has ended.
  const active =
    workflow === null || isRunning(workflow) || workflow.status === 'created';
  usePoll(`vre-reana-workflow-${id}`, load, active ? ACTIVE_SECONDS : 0);

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await action();
      await Promise.all([load(), model.refresh()]);
    } catch (reason) {
      setError(asAPIError(reason).message);
    } finally {
      setBusy(false);
    }
  };

  const downloadTo = async () => {
    const name = workflow?.name ?? id;
    const answer = await InputDialog.getText({
      title: trans.__('Download the outputs of %1', name),
      label: trans.__('Into this workspace folder:'),
      text: `reana-outputs/${name}`,
      okLabel: trans.__('Download')
    });
    if (!answer.button.accept || !answer.value) {
      return;
    }
    const folder = answer.value.trim().replace(/^\/+/, '');
    await act(async () => {
      const task = await model.client.download(id, folder);
      await connection.tasks.watch(task.id);
    });
  };

  const remove = async () => {
    const answer = await showDialog({
      title: trans.__('Delete %1?', workflow?.name ?? id),
      body: trans.__('Its workspace on REANA is deleted too.'),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: trans.__('Delete') })
      ]
    });
    if (answer.button.accept) {
      await act(() => model.client.delete(id));
      model.selected = null;
    }
  };

  return (
    <section
      className="jp-vre-ReanaDetails"
      aria-label={trans.__('Workflow details')}
    >
      <h3>
        {workflow?.name ?? id}{' '}
        {workflow && <StatusBadge status={workflow.status} trans={trans} />}
      </h3>
      {error && (
        <p className="jp-vre-ReanaView-error" role="alert">
          {error}
        </p>
      )}
      <div className="jp-vre-ReanaDetails-actions">
        {workflow && isRunning(workflow) ? (
          <Button
            small
            disabled={busy}
            onClick={() => void act(() => model.client.stop(id))}
          >
            {trans.__('Stop')}
          </Button>
        ) : (
          <>
            <Button small disabled={busy} onClick={() => void downloadTo()}>
              {trans.__('Download to…')}
            </Button>
            <Button small minimal disabled={busy} onClick={() => void remove()}>
              {trans.__('Delete')}
            </Button>
          </>
        )}
      </div>
      <h4>{trans.__('Steps')}</h4>
      {steps.length === 0 ? (
        <p>{trans.__('No step has run yet.')}</p>
      ) : (
        <ul className="jp-vre-ReanaSteps">
          {steps.map(step => (
            <li key={step.job_id} data-step={step.step}>
              <details open={step.status === 'running'}>
                <summary>
                  {step.step}{' '}
                  {step.status && (
                    <StatusBadge status={step.status} trans={trans} />
                  )}
                </summary>
                {step.command && (
                  <code className="jp-vre-ReanaSteps-command">
                    {step.command}
                  </code>
                )}
                <pre className="jp-vre-ReanaSteps-logs">
                  {step.logs || trans.__('(no output yet)')}
                </pre>
              </details>
            </li>
          ))}
        </ul>
      )}
      <h4>{trans.__('Workspace files')}</h4>
      {files.length === 0 ? (
        <p>{trans.__('No files.')}</p>
      ) : (
        <ul className="jp-vre-ReanaFiles">
          {files.map(file => (
            <li key={file.name}>
              <span>{file.name}</span>{' '}
              <span className="jp-vre-ReanaFiles-size">
                {formatBytes(file.size_bytes)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
