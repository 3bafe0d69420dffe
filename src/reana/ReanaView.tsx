import { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  HTMLSelect,
  refreshIcon,
  runIcon,
  searchIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React, { useCallback, useEffect, useRef, useState } from 'react';

import { ActionButton } from '../common/ActionButton';
import { IVREConnection } from '../common/connection';
import { MiddleEllipsis } from '../common/MiddleEllipsis';
import { asAPIError } from '../common/request';
import { IReanaConnection, isRunning, IWorkflow, LISTED_STATUSES } from './api';
import {
  durationSeconds,
  formatDuration,
  formatStart,
  WorkflowsModel
} from './model';
import { SecretsView } from './SecretsView';
import { StatusBadge, WorkflowDetails } from './WorkflowDetails';

/** "Run workflow…": pick a folder or reana.yaml, then the "Run on REANA" dialog (src/reana/commands.ts). */
export const RUN_WORKFLOW_COMMAND = 'jupyterlab-vre:reana-run-workflow';

export interface IReanaViewProps {
  model: WorkflowsModel;
  connection: IVREConnection;
  trans: TranslationBundle;
  /** JupyterLab's commands: run, open a file, go to a folder; absent in unit tests. */
  commands?: CommandRegistry;
}

/**
 * The REANA panel's own part: "Run workflow…" and the user's runs first; a
 * selected run's details replace the list (in view, with a way back).
 */
export function ReanaView(props: IReanaViewProps): JSX.Element {
  const { model, connection, trans, commands } = props;
  return (
    <div className="jp-vre-ReanaView">
      <UseSignal signal={model.selectedChanged} initialArgs={model.selected}>
        {(_, selected) =>
          selected ? (
            <WorkflowDetails
              key={selected}
              id={selected}
              model={model}
              connection={connection}
              trans={trans}
              commands={commands}
              onBack={() => {
                model.selected = null;
              }}
            />
          ) : (
            <>
              <WorkflowList {...props} />
              <ReanaAccount {...props} />
              <UseSignal signal={connection.auth.changed}>
                {() => (
                  <SecretsView
                    client={model.client}
                    auth={connection.auth}
                    trans={trans}
                  />
                )}
              </UseSignal>
            </>
          )
        }
      </UseSignal>
    </div>
  );
}

/** `GET ping` again whenever the sign-in state changes (e.g. a token was entered). */
function ReanaAccount(props: IReanaViewProps): JSX.Element | null {
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
      // Not connected yet: the connection line says what to enter.
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
    return null; // the panel's header says what to enter
  }
  if (!you) {
    return null;
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

function WorkflowList(props: IReanaViewProps): JSX.Element {
  const { model, trans, commands } = props;
  const [search, setSearch] = useState(model.query.search ?? '');
  const searchRef = useRef<HTMLInputElement>(null);
  const canRun = !!commands?.hasCommand(RUN_WORKFLOW_COMMAND);
  return (
    <section
      className="jp-vre-ReanaWorkflows"
      aria-label={trans.__('REANA workflows')}
    >
      <div className="jp-vre-ReanaWorkflows-toolbar">
        <ActionButton
          label={trans.__('Run workflow…')}
          icon={runIcon}
          kind="primary"
          title={trans.__(
            'Choose a folder with a reana.yaml and run it on REANA'
          )}
          disabled={!canRun}
          onClick={() => void commands?.execute(RUN_WORKFLOW_COMMAND)}
        />
        <ActionButton
          label={trans.__('Refresh the workflow list')}
          icon={refreshIcon}
          iconOnly
          onClick={() => void model.setQuery({ search })}
        />
      </div>
      <form
        className="jp-vre-ReanaWorkflows-filters"
        role="search"
        onSubmit={event => {
          event.preventDefault();
          void model.setQuery({ search, page: 1 });
        }}
      >
        <div className="jp-vre-SearchField">
          <searchIcon.react tag="span" className="jp-vre-SearchField-icon" />
          <input
            ref={searchRef}
            className="jp-vre-ReanaWorkflows-search jp-mod-styled"
            data-vre-main-field=""
            type="search"
            aria-label={trans.__('Search workflows by name')}
            placeholder={trans.__('Search by name')}
            value={search}
            onChange={event => {
              setSearch(event.target.value);
              if (event.target.value === '' && model.query.search) {
                void model.setQuery({ search: '', page: 1 });
              }
            }}
          />
        </div>
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
      </form>
      <UseSignal signal={model.changed}>
        {() => <WorkflowTable {...props} />}
      </UseSignal>
    </section>
  );
}

function WorkflowTable(props: IReanaViewProps): JSX.Element | null {
  const { model, trans } = props;
  const page = model.page;
  if (!page) {
    // Not signed in (401): the panel's header says what to enter.
    if (model.error?.status === 401) {
      return null;
    }
    return model.error ? (
      <p className="jp-vre-ReanaView-error" role="alert">
        {model.error.message}
      </p>
    ) : (
      <p>{trans.__('Loading…')}</p>
    );
  }
  if (page.items.length === 0) {
    return (
      <p className="jp-vre-ReanaView-empty">
        {model.query.search || model.query.status
          ? trans.__('No workflow matches.')
          : trans.__(
              'No workflows yet: "Run workflow…" runs a folder that has a reana.yaml.'
            )}
      </p>
    );
  }
  return (
    <>
      <table className="jp-vre-ReanaTable">
        <thead>
          <tr>
            <th scope="col">{trans.__('Name')}</th>
            <th scope="col">{trans.__('Status')}</th>
            <th scope="col">{trans.__('Started')}</th>
            <th scope="col">{trans.__('Duration')}</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map(workflow => (
            <WorkflowRow
              key={workflow.id}
              workflow={workflow}
              model={model}
              trans={trans}
            />
          ))}
        </tbody>
      </table>
      {(page.page > 1 || page.has_next) && (
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
      )}
    </>
  );
}

function WorkflowRow(props: {
  workflow: IWorkflow;
  model: WorkflowsModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { workflow, model, trans } = props;
  const { jobs } = workflow;
  const duration = durationSeconds(workflow.started_at, workflow.finished_at);
  const progress =
    jobs.total > 0 && isRunning(workflow)
      ? trans.__('%1 of %2 jobs', jobs.finished, jobs.total)
      : '';
  return (
    <tr className="jp-vre-ReanaWorkflow" data-workflow={workflow.name}>
      <td className="jp-vre-ReanaWorkflow-name">
        <button
          className="jp-vre-ReanaWorkflow-open"
          title={trans.__('Show the details of %1', workflow.name)}
          onClick={() => {
            model.selected = workflow.id;
          }}
        >
          <MiddleEllipsis text={workflow.name} />
        </button>
      </td>
      <td>
        <StatusBadge status={workflow.status} trans={trans} />
        {progress && (
          <span className="jp-vre-ReanaWorkflow-steps"> {progress}</span>
        )}
      </td>
      <td className="jp-vre-ReanaWorkflow-started">
        {formatStart(workflow.started_at ?? workflow.created)}
      </td>
      <td className="jp-vre-ReanaWorkflow-duration">
        {formatDuration(duration)}
      </td>
    </tr>
  );
}
