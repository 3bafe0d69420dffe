import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { ITaskInfo, TaskModel } from '../common/tasks';
import { formatBytes, TasksView } from '../common/TasksView';
import { FakeServer } from './fakeServer';
import { task } from './samples';

const trans = nullTranslator.load('jupyterlab_vre');

let tasks: ITaskInfo[];
let server: FakeServer;
let model: TaskModel;

async function show(): Promise<void> {
  render(<TasksView tasks={model} service="rucio" trans={trans} />);
  await act(() => model.refresh());
}

beforeEach(() => {
  tasks = [];
  server = new FakeServer({
    'GET tasks': () => ({ body: { tasks } }),
    'DELETE tasks/t1': () => {
      tasks = [task('t1', 'cancelled')];
      return { body: tasks[0] };
    }
  });
  model = new TaskModel({
    serverSettings: server.settings,
    trans,
    refreshSeconds: 0
  });
});

afterEach(() => {
  model.dispose();
  jest.restoreAllMocks();
});

describe('TasksView', () => {
  it('shows a running task with its progress in bytes', async () => {
    tasks = [task('t1', 'running')];
    await show();
    expect(screen.getByText('Make t1 available')).toBeTruthy();
    expect(screen.getByText('Running')).toBeTruthy();
    const bar = screen.getByLabelText(
      'Progress of Make t1 available'
    ) as HTMLProgressElement;
    expect(bar.max).toBe(3_000_000);
    expect(bar.value).toBe(1_500_000);
    expect(screen.getByText('1.5 MB of 3 MB')).toBeTruthy();
  });

  it('shows an unknown total as a bar without a value', async () => {
    tasks = [
      task('t1', 'queued', {
        progress: { done: 2, total: null, unit: 'files' }
      })
    ];
    await show();
    const bar = screen.getByLabelText('Progress of Make t1 available');
    expect(bar.hasAttribute('value')).toBe(false);
    expect(screen.getByText('2 files')).toBeTruthy();
  });

  it('cancels a running task', async () => {
    tasks = [task('t1', 'running')];
    await show();
    await act(async () => {
      fireEvent.click(screen.getByText('Cancel'));
    });
    expect(server.count('DELETE tasks/t1')).toBe(1);
    expect(await screen.findByText('Cancelled')).toBeTruthy();
    expect(screen.queryByText('Cancel')).toBeNull();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it("lists only its service's tasks, with a failure's message", async () => {
    tasks = [
      task('t1', 'failed', {
        error: { error: 'rule_stuck', message: 'The rule is stuck.' },
        progress: { done: 3, total: 10, unit: 'files' }
      }),
      task('t2', 'running', { kind: 'reana.run', title: 'Run analysis' })
    ];
    await show();
    expect(screen.getByText('Failed')).toBeTruthy();
    expect(screen.getByText('The rule is stuck.')).toBeTruthy();
    expect(screen.getByText('3 of 10 files')).toBeTruthy();
    expect(screen.queryByText('Run analysis')).toBeNull();
    expect(screen.queryByText('Cancel')).toBeNull();
  });

  it('says when there are no tasks', async () => {
    await show();
    expect(screen.getByText('No tasks yet.')).toBeTruthy();
  });
});

describe('formatBytes', () => {
  it('picks a readable unit', () => {
    expect(formatBytes(0)).toBe('0 byte');
    expect(formatBytes(999)).toBe('999 byte');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(formatBytes(2.5e12)).toBe('2.5 TB');
    expect(formatBytes(7e15)).toBe('7,000 TB');
  });
});
