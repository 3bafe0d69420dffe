import { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  caretLeftIcon,
  deleteIcon,
  downloadIcon,
  fileIcon,
  folderIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React, { useCallback, useEffect, useRef, useState } from 'react';

import { announce } from '../common/a11y';
import { ActionButton } from '../common/ActionButton';
import { confirmDestructive } from '../common/confirm';
import { IVREConnection } from '../common/connection';
import { MiddleEllipsis } from '../common/MiddleEllipsis';
import { usePoll } from '../common/polled';
import { asAPIError } from '../common/request';
import { formatBytes } from '../common/TasksView';
import {
  isRunning,
  IStepLog,
  IWorkflow,
  IWorkflowSpecification,
  IWorkspaceFile
} from './api';
import {
  ACTIVE_SECONDS,
  durationSeconds,
  fileRole,
  fileTree,
  formatDuration,
  formatStart,
  IFileTree,
  WorkflowsModel
} from './model';
import { askDownloadFolder, askParameters } from './RerunDialog';

/** The workflow graph (a main-area widget, src/reana/GraphView.tsx); the button shows when that command exists. */
/** Opens a workflow's graph (registered in commands.ts). */
export const GRAPH_COMMAND = 'jupyterlab-vre:reana-show-graph';

/** Where "Open" puts a workspace file before JupyterLab opens it. */
export function openFolder(workflowName: string): string {
  return `reana-outputs/${workflowName}`;
}

export function StatusBadge(props: {
  status: string;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <span className={`jp-vre-ReanaBadge jp-mod-${props.status}`}>
      {props.status}
    </span>
  );
}

interface IDetailsProps {
  id: string;
  model: WorkflowsModel;
  connection: IVREConnection;
  trans: TranslationBundle;
  commands?: CommandRegistry;
  onBack: () => void;
}

/**
 * One run, in place of the list: its actions, times, steps (a running step's
 * log followed live), and its workspace as inputs, outputs and other files.
 */
export function WorkflowDetails(props: IDetailsProps): JSX.Element {
  const { id, model, connection, trans, commands, onBack } = props;
  const [workflow, setWorkflow] = useState<IWorkflow | null>(
    model.find(id) ?? null
  );
  const [steps, setSteps] = useState<IStepLog[]>([]);
  const [files, setFiles] = useState<IWorkspaceFile[]>([]);
  const [spec, setSpec] = useState<IWorkflowSpecification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [downloaded, setDownloaded] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async (): Promise<IWorkflow | null> => {
    try {
      const [current, logs, listing] = await Promise.all([
        model.client.workflow(id),
        model.client.logs(id),
        model.client.files(id, 1, 1000)
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

  useEffect(() => {
    headingRef.current?.focus();
    void model.client
      .specification(id)
      .then(setSpec)
      .catch(() => setSpec(null));
  }, [id, model]);

  // Every ACTIVE_SECONDS while the run may still change; once when it has ended.
  const active =
    workflow === null || isRunning(workflow) || workflow.status === 'created';
  usePoll(`vre-reana-workflow-${id}`, load, active ? ACTIVE_SECONDS : 0);

  // Said to screen readers when the run's status changes.
  const status = workflow?.status;
  useEffect(() => {
    if (status) {
      announce(trans.__('Workflow %1: %2', workflow?.name ?? id, status));
    }
  }, [status]);

  const act = async (action: () => Promise<unknown>, focus?: string) => {
    setBusy(true);
    try {
      await action();
      await Promise.all([load(), model.refresh()]);
    } catch (reason) {
      setError(asAPIError(reason).message);
    } finally {
      setBusy(false);
      // The button pressed may be gone (Stop becomes Download): keep focus in the view.
      window.requestAnimationFrame(() => {
        const target = focus
          ? document.querySelector<HTMLElement>(focus)
          : headingRef.current;
        (target ?? headingRef.current)?.focus();
      });
    }
  };

  const name = workflow?.name ?? id;

  const downloadTo = async () => {
    const folder = await askDownloadFolder(name, trans);
    if (!folder) {
      return;
    }
    await act(async () => {
      announce(trans.__('Downloading the outputs of %1…', name));
      const task = await model.client.download(id, folder);
      const ended = await connection.tasks.watch(task.id);
      if (ended.state !== 'succeeded') {
        throw new Error(ended.error?.message ?? ended.state);
      }
      setDownloaded(folder);
      announce(trans.__('Downloaded into %1.', folder));
    }, '.jp-vre-ReanaDownloaded-link');
  };

  const openFile = async (path: string) => {
    const folder = openFolder(name);
    await act(async () => {
      announce(trans.__('Fetching %1 to open it…', path));
      const task = await model.client.download(id, folder, [path], true);
      const ended = await connection.tasks.watch(task.id);
      if (ended.state !== 'succeeded') {
        throw new Error(ended.error?.message ?? ended.state);
      }
      await commands?.execute('docmanager:open', { path: `${folder}/${path}` });
    });
  };

  const runAgain = async () => {
    const current = spec ?? (await model.client.specification(id));
    const parameters = await askParameters(name, current.parameters, trans);
    if (!parameters) {
      return;
    }
    await act(async () => {
      const task = await model.client.rerun(id, parameters);
      announce(trans.__('Submitting a new run of %1…', name));
      const ended = await connection.tasks.watch(task.id);
      const newId = ended.result?.workflow_id;
      if (ended.state !== 'succeeded' || typeof newId !== 'string') {
        throw new Error(ended.error?.message ?? ended.state);
      }
      await model.follow(newId);
      model.selected = newId;
    });
  };

  const remove = async () => {
    const sure = await confirmDestructive({
      title: trans.__('Delete %1?', name),
      body: trans.__(
        'The run and its workspace on REANA are deleted; files you downloaded stay.'
      ),
      accept: trans.__('Delete'),
      trans
    });
    if (sure) {
      await act(() => model.client.delete(id));
      model.selected = null;
    }
  };

  const running = workflow ? isRunning(workflow) : false;
  const duration = workflow
    ? durationSeconds(workflow.started_at, workflow.finished_at)
    : null;
  const hasGraph = !!commands?.hasCommand(GRAPH_COMMAND);

  return (
    <section
      className="jp-vre-ReanaDetails"
      aria-label={trans.__('Workflow %1', name)}
    >
      <div className="jp-vre-ReanaDetails-nav">
        <Button
          minimal
          small
          className="jp-vre-ReanaDetails-back"
          onClick={onBack}
        >
          <caretLeftIcon.react tag="span" className="jp-vre-ButtonIcon" />
          {trans.__('All workflows')}
        </Button>
      </div>
      <h3 ref={headingRef} tabIndex={-1} className="jp-vre-ReanaDetails-name">
        <MiddleEllipsis text={name} />
        {workflow && <StatusBadge status={workflow.status} trans={trans} />}
      </h3>
      {error && (
        <p className="jp-vre-ReanaView-error" role="alert">
          {error}
        </p>
      )}
      {workflow && (
        <dl className="jp-vre-ReanaDetails-times">
          <dt>{trans.__('Started')}</dt>
          <dd>{formatStart(workflow.started_at) || trans.__('not yet')}</dd>
          <dt>{trans.__('Duration')}</dt>
          <dd>
            {formatDuration(duration) || '—'}
            {running ? ` ${trans.__('(running)')}` : ''}
          </dd>
          <dt>{trans.__('Jobs')}</dt>
          <dd>
            {trans.__(
              '%1 of %2 done',
              workflow.jobs.finished,
              workflow.jobs.total
            )}
            {workflow.jobs.failed > 0 &&
              ` · ${trans.__('%1 failed', workflow.jobs.failed)}`}
          </dd>
        </dl>
      )}
      <div
        className="jp-vre-ReanaDetails-actions"
        role="toolbar"
        aria-label={trans.__('Workflow actions')}
      >
        {running ? (
          <ActionButton
            label={trans.__('Stop')}
            icon={stopIcon}
            className="jp-vre-ReanaStop"
            disabled={busy}
            onClick={() => void act(() => model.client.stop(id))}
          />
        ) : (
          <>
            <ActionButton
              label={trans.__('Run again with…')}
              icon={runIcon}
              disabled={busy || !workflow}
              onClick={() => void runAgain()}
            />
            <ActionButton
              label={trans.__('Download to…')}
              icon={downloadIcon}
              disabled={busy}
              onClick={() => void downloadTo()}
            />
          </>
        )}
        {hasGraph && (
          <ActionButton
            label={trans.__('Graph')}
            title={trans.__('Show the workflow graph')}
            onClick={() =>
              void commands?.execute(GRAPH_COMMAND, {
                workflow: id,
                label: name
              })
            }
          />
        )}
        <span className="jp-vre-Spacer" />
        {!running && (
          <ActionButton
            label={trans.__('Delete…')}
            icon={deleteIcon}
            kind="destructive"
            className="jp-vre-ReanaDelete"
            disabled={busy}
            onClick={() => void remove()}
          />
        )}
      </div>
      {downloaded && (
        <p className="jp-vre-ReanaDownloaded">
          {trans.__('Downloaded into')}{' '}
          <button
            className="jp-vre-LinkButton jp-vre-ReanaDownloaded-link"
            onClick={() =>
              void commands?.execute('filebrowser:go-to-path', {
                path: downloaded
              })
            }
          >
            <folderIcon.react tag="span" className="jp-vre-ButtonIcon" />
            {downloaded}
          </button>
        </p>
      )}
      <h4>{trans.__('Steps')}</h4>
      {steps.length === 0 ? (
        <p>{trans.__('No step has run yet.')}</p>
      ) : (
        <ul className="jp-vre-ReanaSteps">
          {steps.map(step => (
            <Step key={step.job_id} step={step} trans={trans} />
          ))}
        </ul>
      )}
      <h4>{trans.__('Workspace')}</h4>
      <Workspace
        files={files}
        spec={spec}
        trans={trans}
        onOpen={commands ? path => void openFile(path) : undefined}
        busy={busy}
      />
    </section>
  );
}

/** A step: status and duration; its log, kept scrolled to the end while it runs. */
function Step(props: {
  step: IStepLog;
  trans: TranslationBundle;
}): JSX.Element {
  const { step, trans } = props;
  const running = step.status === 'running';
  const [open, setOpen] = useState(running || step.status === 'failed');
  const [follow, setFollow] = useState(true);
  const logRef = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (running) {
      setOpen(true);
    }
  }, [running]);
  useEffect(() => {
    const log = logRef.current;
    if (log && running && follow) {
      log.scrollTop = log.scrollHeight;
    }
  }, [step.logs, running, follow]);
  const duration = formatDuration(
    durationSeconds(step.started_at, step.finished_at)
  );
  return (
    <li className="jp-vre-ReanaStep" data-step={step.step}>
      <details
        open={open}
        onToggle={event => setOpen((event.target as HTMLDetailsElement).open)}
      >
        <summary>
          <span className="jp-vre-ReanaStep-name">{step.step}</span>
          {step.status && <StatusBadge status={step.status} trans={trans} />}
          {duration && (
            <span className="jp-vre-ReanaStep-duration">{duration}</span>
          )}
        </summary>
        {step.command && (
          <code className="jp-vre-ReanaSteps-command">{step.command}</code>
        )}
        {running && (
          <label className="jp-vre-ReanaStep-follow">
            <input
              type="checkbox"
              checked={follow}
              onChange={event => setFollow(event.target.checked)}
            />
            {trans.__('Follow the log')}
          </label>
        )}
        <pre
          ref={logRef}
          className="jp-vre-ReanaSteps-logs"
          tabIndex={0}
          aria-label={trans.__('Log of step %1', step.step)}
        >
          {step.logs || trans.__('(no output yet)')}
        </pre>
      </details>
    </li>
  );
}

function Workspace(props: {
  files: IWorkspaceFile[];
  spec: IWorkflowSpecification | null;
  trans: TranslationBundle;
  onOpen?: (path: string) => void;
  busy: boolean;
}): JSX.Element {
  const { files, spec, trans, onOpen, busy } = props;
  if (files.length === 0) {
    return <p>{trans.__('No files.')}</p>;
  }
  const groups: [string, string, IWorkspaceFile[]][] = spec
    ? [
        [
          'input',
          trans.__('Inputs'),
          files.filter(f => fileRole(f.name, spec) === 'input')
        ],
        [
          'output',
          trans.__('Outputs'),
          files.filter(f => fileRole(f.name, spec) === 'output')
        ],
        [
          'other',
          trans.__('Other files'),
          files.filter(f => fileRole(f.name, spec) === 'other')
        ]
      ]
    : [['other', trans.__('Files'), files]];
  return (
    <div className="jp-vre-ReanaWorkspace">
      {groups
        .filter(([, , group]) => group.length > 0)
        .map(([key, label, group]) => (
          <section
            key={key}
            className="jp-vre-ReanaWorkspace-group"
            data-role={key}
            aria-label={label}
          >
            <h5>{label}</h5>
            <ul className="jp-vre-ReanaTree">
              <TreeLevel
                tree={fileTree(group)}
                trans={trans}
                onOpen={onOpen}
                busy={busy}
              />
            </ul>
          </section>
        ))}
    </div>
  );
}

function TreeLevel(props: {
  tree: IFileTree;
  trans: TranslationBundle;
  onOpen?: (path: string) => void;
  busy: boolean;
}): JSX.Element {
  const { tree, trans, onOpen, busy } = props;
  return (
    <>
      {[...tree.folders.entries()].map(([name, sub]) => (
        <li key={`d:${name}`}>
          <span className="jp-vre-ReanaTree-folder">
            <folderIcon.react tag="span" className="jp-vre-ButtonIcon" />
            {name}/
          </span>
          <ul>
            <TreeLevel tree={sub} trans={trans} onOpen={onOpen} busy={busy} />
          </ul>
        </li>
      ))}
      {tree.files.map(file => (
        <li
          key={`f:${file.name}`}
          className="jp-vre-ReanaTree-file"
          data-path={file.path}
        >
          {onOpen ? (
            <button
              className="jp-vre-LinkButton"
              disabled={busy}
              title={trans.__('Open %1 in JupyterLab', file.path)}
              onClick={() => onOpen(file.path)}
            >
              <fileIcon.react tag="span" className="jp-vre-ButtonIcon" />
              {file.name}
            </button>
          ) : (
            <span>{file.name}</span>
          )}
          <span className="jp-vre-ReanaFiles-size">
            {formatBytes(file.size)}
          </span>
        </li>
      ))}
    </>
  );
}
