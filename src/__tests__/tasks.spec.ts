import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import { ITaskInfo, TaskModel } from '../common/tasks';
import { FakeServer } from './fakeServer';
import { task } from './samples';

const trans = nullTranslator.load('jupyterlab_vre');

let tasks: ITaskInfo[];
let server: FakeServer;
let model: TaskModel;

function notifications(type: string): string[] {
  return Notification.manager.notifications
    .filter(n => n.type === type)
    .map(n => n.message);
}

beforeEach(() => {
  tasks = [];
  server = new FakeServer({
    'GET tasks': () => ({ body: { tasks } }),
    'GET tasks/t1': () => ({ body: tasks[0] }),
    'DELETE tasks/t1': () => {
      tasks = [{ ...tasks[0], state: 'cancelled' }];
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
  Notification.dismiss();
  jest.restoreAllMocks();
});

describe('TaskModel', () => {
  it('notifies exactly once when a task it saw running succeeds', async () => {
    tasks = [task('t1', 'running')];
    await model.refresh();
    expect(notifications('success')).toEqual([]);
    tasks = [task('t1', 'succeeded')];
    await model.refresh();
    await model.refresh();
    expect(notifications('success')).toEqual(['Make t1 available: done.']);
    expect(model.tasks[0].state).toBe('succeeded');
  });

  it('notifies a failure once, with the server message', async () => {
    tasks = [task('t1', 'queued')];
    await model.refresh();
    const error = {
      error: 'backend_timeout',
      message: 'Rucio did not answer.'
    };
    tasks = [task('t1', 'failed', { error })];
    await model.refresh();
    await model.refresh();
    expect(notifications('error')).toEqual([
      'Make t1 available failed: Rucio did not answer.'
    ]);
    expect(notifications('success')).toEqual([]);
  });

  it('does not announce tasks that had ended before it looked', async () => {
    tasks = [task('t1', 'succeeded'), task('t2', 'failed')];
    await model.refresh();
    await model.refresh();
    expect(Notification.manager.count).toBe(0);
  });

  it("lists one service's tasks by the kind's prefix", async () => {
    tasks = [
      task('t1', 'running'),
      task('t2', 'running', { kind: 'reana.run' }),
      task('t3', 'succeeded', { kind: 'rucio.download' }),
      task('t4', 'running', { kind: 'rucio_legacy.download' })
    ];
    await model.refresh();
    expect(model.forService('rucio').map(t => t.id)).toEqual(['t1', 't3']);
    expect(model.forService('reana').map(t => t.id)).toEqual(['t2']);
    expect(model.forService('zenodo')).toEqual([]);
  });

  it('cancels with DELETE and shows the cancelled state without a notification', async () => {
    tasks = [task('t1', 'running')];
    await model.refresh();
    const changed = jest.fn();
    model.changed.connect(changed);
    const answer = await model.cancel('t1');
    expect(answer.state).toBe('cancelled');
    expect(server.count('DELETE tasks/t1')).toBe(1);
    expect(model.tasks[0].state).toBe('cancelled');
    expect(changed).toHaveBeenCalled();
    await model.refresh();
    expect(Notification.manager.count).toBe(0);
  });

  it('watch() resolves with the final state once the task ends', async () => {
    tasks = [task('t1', 'running')];
    const ended = model.watch('t1');
    await model.refresh();
    tasks = [task('t1', 'succeeded', { result: { paths: ['/eos/a'] } })];
    await model.refresh();
    await expect(ended).resolves.toMatchObject({
      state: 'succeeded',
      result: { paths: ['/eos/a'] }
    });
  });

  it('watch() rejects for a task the server does not know', async () => {
    await expect(model.watch('nope')).rejects.toMatchObject({ status: 404 });
  });

  it('records why the list could not be fetched', async () => {
    jest.restoreAllMocks();
    server = new FakeServer({
      'GET tasks': () => ({
        status: 502,
        body: { error: 'bad_gateway', message: 'The server is restarting.' }
      })
    });
    model.dispose();
    model = new TaskModel({
      serverSettings: server.settings,
      trans,
      refreshSeconds: 0
    });
    await model.refresh();
    expect(model.error?.message).toBe('The server is restarting.');
  });
});

describe('TaskModel polling', () => {
  beforeEach(() => {
    model.dispose();
    jest.useFakeTimers();
  });

  afterEach(() => jest.useRealTimers());

  it('asks every second while a task runs, at the idle pace otherwise', async () => {
    tasks = [task('t1', 'running')];
    model = new TaskModel({
      serverSettings: server.settings,
      trans,
      refreshSeconds: 30
    });
    await jest.advanceTimersByTimeAsync(10); // the first, immediate poll
    expect(server.count('GET tasks')).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    await jest.advanceTimersByTimeAsync(1000);
    expect(server.count('GET tasks')).toBe(3);

    tasks = [task('t1', 'succeeded')];
    await jest.advanceTimersByTimeAsync(1000); // sees it end
    expect(server.count('GET tasks')).toBe(4);
    await jest.advanceTimersByTimeAsync(29_000);
    expect(server.count('GET tasks')).toBe(4);
    await jest.advanceTimersByTimeAsync(1000);
    expect(server.count('GET tasks')).toBe(5);
  });
});
