import { TranslationBundle } from '@jupyterlab/translation';
import { Button, UseSignal } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { ServiceName } from './connection';
import { asAPIError } from './request';
import { isActive, ITaskInfo, ITaskProgress, TaskModel } from './tasks';

/** The newest tasks shown; the server forgets finished tasks after a while. */
const MAX_SHOWN = 20;

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'];

/** `1536000` → "1.5 MB", in the browser's language. */
export function formatBytes(bytes: number): string {
  const exponent = Math.min(
    bytes > 0 ? Math.floor(Math.log10(bytes) / 3) : 0,
    BYTE_UNITS.length - 1
  );
  return new Intl.NumberFormat(navigator.language, {
    style: 'unit',
    unit: BYTE_UNITS[exponent],
    unitDisplay: 'short',
    maximumFractionDigits: 1
  }).format(bytes / 1000 ** exponent);
}

function describeProgress(
  progress: ITaskProgress,
  trans: TranslationBundle
): string {
  const { done, total, unit } = progress;
  if (unit === 'bytes') {
    return total === null
      ? formatBytes(done)
      : trans.__('%1 of %2', formatBytes(done), formatBytes(total));
  }
  if (unit === 'files') {
    return total === null
      ? trans._n('%1 file', '%1 files', done)
      : trans._n('%2 of %1 file', '%2 of %1 files', total, done);
  }
  return total === null
    ? trans._n('%1 item', '%1 items', done)
    : trans._n('%2 of %1 item', '%2 of %1 items', total, done);
}

function stateLabel(task: ITaskInfo, trans: TranslationBundle): string {
  switch (task.state) {
    case 'queued':
      return trans.__('Queued');
    case 'running':
      return trans.__('Running');
    case 'succeeded':
      return trans.__('Done');
    case 'failed':
      return trans.__('Failed');
    case 'cancelled':
      return trans.__('Cancelled');
    case 'interrupted':
      return trans.__('Interrupted');
  }
}

export interface ITasksViewProps {
  tasks: TaskModel;
  service: ServiceName;
  trans: TranslationBundle;
}

/** The background tasks of one service, newest first, with progress and Cancel. */
export function TasksView(props: ITasksViewProps): JSX.Element {
  const { tasks, service, trans } = props;
  return (
    <section className="jp-vre-TasksView" aria-label={trans.__('Tasks')}>
      <h3>{trans.__('Tasks')}</h3>
      <UseSignal signal={tasks.changed}>
        {() => {
          const mine = tasks.forService(service);
          if (mine.length === 0) {
            return <p>{trans.__('No tasks yet.')}</p>;
          }
          return (
            <>
              <ul className="jp-vre-TasksView-list">
                {mine.slice(0, MAX_SHOWN).map(task => (
                  <Task key={task.id} task={task} tasks={tasks} trans={trans} />
                ))}
              </ul>
              {mine.length > MAX_SHOWN && (
                <p>
                  {trans.__(
                    '%1 older tasks are not shown.',
                    mine.length - MAX_SHOWN
                  )}
                </p>
              )}
            </>
          );
        }}
      </UseSignal>
    </section>
  );
}

interface ITaskProps {
  task: ITaskInfo;
  tasks: TaskModel;
  trans: TranslationBundle;
}

function Task(props: ITaskProps): JSX.Element {
  const { task, tasks, trans } = props;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const active = isActive(task);
  const { done, total } = task.progress;
  const known = total !== null && total > 0;

  const act = async (action: 'cancel' | 'resume') => {
    setBusy(true);
    setError(null);
    try {
      await (action === 'cancel'
        ? tasks.cancel(task.id)
        : tasks.resume(task.id));
    } catch (reason) {
      setError(asAPIError(reason).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`jp-vre-Task jp-mod-${task.state}`} data-task={task.id}>
      <div className="jp-vre-Task-head">
        <span className="jp-vre-Task-title">{task.title}</span>
        <span className="jp-vre-Task-state">{stateLabel(task, trans)}</span>
      </div>
      {active && (
        <progress
          className="jp-vre-Task-progress"
          aria-label={trans.__('Progress of %1', task.title)}
          max={known ? total : undefined}
          value={known ? done : undefined}
        />
      )}
      <p className="jp-vre-Task-amount">
        {describeProgress(task.progress, trans)}
      </p>
      {task.error && <p className="jp-vre-Task-error">{task.error.message}</p>}
      {task.state === 'interrupted' && (
        <Button
          small
          disabled={busy}
          onClick={() => void act('resume')}
          title={trans.__('Resume %1', task.title)}
        >
          {trans.__('Resume')}
        </Button>
      )}
      {(active || task.state === 'interrupted') && (
        <Button
          small
          minimal
          disabled={busy}
          onClick={() => void act('cancel')}
          title={trans.__('Cancel %1', task.title)}
        >
          {trans.__('Cancel')}
        </Button>
      )}
      {error && (
        <p className="jp-vre-Task-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
