// The task lab (task_lab.py) as the specs of playwright.tasks.config.js see it: its control
// API, and the task list of a panel found by role and text (the panels' classes may change).
import { APIRequestContext, expect, Locator, request } from '@playwright/test';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

const CONTROL = `http://127.0.0.1:${process.env.VRE_UI_TASK_CONTROL_PORT || '8195'}`;

export interface ITask {
  id: string;
  kind: string;
  title: string;
  state: string;
}

export interface IScene {
  tasks: Record<string, ITask>;
  /** Where each download writes, under the server's root. */
  folders: Record<string, string>;
  /** What the scene prepared per kind: DIDs, draft and workflow ids. */
  seen: Record<string, Record<string, unknown>>;
}

let context: APIRequestContext | null = null;

/** One call to the task lab; a check that fails there fails here with its message. */
export async function control<T = any>(
  action: string,
  body: Record<string, unknown> = {}
): Promise<T> {
  context ??= await request.newContext();
  const answer = await context.post(`${CONTROL}/${action}`, {
    data: body,
    timeout: 600_000
  });
  const text = await answer.text();
  expect(answer.status(), `${action}: ${text}`).toBe(200);
  return JSON.parse(text) as T;
}

/** The service panel a kind of task shows in: `rucio.download` → rucio. */
export function serviceOf(kind: string): string {
  return kind.split('.')[0];
}

/** Open a service's panel by its command and return its task list (the "Tasks" region). */
export async function taskList(
  page: IJupyterLabPageFixture,
  service: string
): Promise<Locator> {
  await page.evaluate(async id => {
    await window.jupyterapp.commands.execute(id);
  }, `jupyterlab-vre:open-${service}-panel`);
  const panel = page.locator(`#jp-vre-${service}-panel`);
  await expect(panel).toBeVisible();
  return panel.getByRole('region', { name: 'Tasks' });
}

/** The item of the task list with this title. */
export function taskItem(list: Locator, title: string): Locator {
  return list.getByRole('listitem').filter({ hasText: title });
}

/** Every file below `folder` of the server's root, through the contents API (hidden ones too:
 * the task lab lists them, so a temporary `.<name>.<random>.part` file would show). */
export async function filesBelow(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<string[]> {
  const answer = await page.request.get(
    `/api/contents/${folder}?content=1&type=directory`
  );
  if (answer.status() === 404) {
    return [];
  }
  expect(answer.status()).toBe(200);
  const model = await answer.json();
  const names: string[] = [];
  for (const item of model.content) {
    if (item.type === 'directory') {
      names.push(...(await filesBelow(page, item.path)));
    } else {
      names.push(item.path);
    }
  }
  return names;
}

export const isTemporary = (path: string): boolean =>
  /(^|\/)\.[^/]+\.[A-Za-z0-9_]{8}\.part$/.test(path);

/** A task as the server has it now (a title can change: a REANA run gets its run number). */
export async function taskNow(
  page: IJupyterLabPageFixture,
  id: string
): Promise<ITask> {
  const answer = await page.request.get(`/vre/api/tasks/${id}`);
  expect(answer.status()).toBe(200);
  return answer.json();
}

/** The newest task of `kind` other than `except`, as the server lists it. */
export async function newestTask(
  page: IJupyterLabPageFixture,
  kind: string,
  except: string
): Promise<ITask> {
  let found: ITask | undefined;
  await expect
    .poll(async () => {
      const answer = await page.request.get('/vre/api/tasks');
      const { tasks } = (await answer.json()) as { tasks: ITask[] };
      found = tasks.find(t => t.kind === kind && t.id !== except);
      return found !== undefined;
    })
    .toBe(true);
  return found!;
}
