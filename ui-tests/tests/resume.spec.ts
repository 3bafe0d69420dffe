import { expect, test } from './fixtures';

import {
  control,
  filesBelow,
  IScene,
  isTemporary,
  serviceOf,
  taskItem,
  newestTask,
  taskList,
  taskNow
} from './taskLab';

/**
 * The server dies mid-task and comes back: seven real tasks on the dev stack are held mid-way
 * by the task lab, its JupyterLab is SIGKILLed (no clean-up code runs) and started again on
 * the same journal; the page shows each task Interrupted with what Resume does, no partial
 * file is left, and Resume clicked in the task list finishes each as
 * tests/hardening/test_restart.py checks it through the REST API (`Scene.verify_resumed`).
 */
const KINDS: [string, string][] = [
  ['rucio.make_available', 're-attaches to the same Rucio rule'],
  ['rucio.download', 'skips the verified files'],
  ['rucio.upload', 'registers every file once'],
  ['reana.upload', 'continues into the same workflow'],
  ['reana.download', 'writes the whole file'],
  ['zenodo.upload', 'continues the same draft, skipping files already there'],
  ['zenodo.fetch', 'writes the whole file']
];

let scene: IScene;

test.describe.serial('A server killed mid-task, then Resume', () => {
  // Galata proxies the sessions, kernels and terminals APIs through routes of its own, which
  // fail while the server is down; these tests open none, so they stay off.
  test.use({
    autoGoto: false,
    kernels: null,
    sessions: null,
    terminals: null,
    viewport: { width: 1280, height: 1000 }
  });

  test('after SIGKILL and a new start, every task is Interrupted with what to do, and no partial file is left', async ({
    page
  }) => {
    scene = await control<IScene>('scene', {
      kinds: KINDS.map(([kind]) => kind)
    });
    await page.goto();
    for (const [kind] of KINDS) {
      const list = await taskList(page, serviceOf(kind));
      const task = await taskNow(page, scene.tasks[kind].id);
      const item = taskItem(list, task.title);
      await expect(item.getByText('Running', { exact: true })).toBeVisible();
    }
    const folders = Object.values(scene.folders);
    for (const folder of folders) {
      // Mid-file when the server dies: the check after the restart can fail.
      expect((await filesBelow(page, folder)).filter(isTemporary)).toHaveLength(
        1
      );
    }

    await control('kill');
    await control('let-go'); // the backends go back to normal while the server is dead
    await control('start');
    await page.reload();

    for (const [kind] of KINDS) {
      const list = await taskList(page, serviceOf(kind));
      const task = await taskNow(page, scene.tasks[kind].id);
      const item = taskItem(list, task.title);
      await expect(
        item.getByText('Interrupted', { exact: true })
      ).toBeVisible();
      await expect(item.getByText(/Resume continues it/)).toBeVisible();
      await expect(item.getByRole('button', { name: 'Resume' })).toBeVisible();
    }
    for (const folder of folders) {
      expect((await filesBelow(page, folder)).filter(isTemporary)).toEqual([]);
    }
  });

  for (const [kind, meaning] of KINDS) {
    test(`${kind}: Resume in the task list ${meaning}`, async ({ page }) => {
      await page.goto();
      const list = await taskList(page, serviceOf(kind));
      const old = await taskNow(page, scene.tasks[kind].id);
      const interrupted = taskItem(list, old.title).filter({
        hasText: 'Interrupted'
      });
      await interrupted.getByRole('button', { name: 'Resume' }).click();
      // The interrupted entry gives way to the resumed task, which finishes.
      await expect(interrupted).toHaveCount(0);
      const resumed = taskItem(
        list,
        (await newestTask(page, kind, old.id)).title
      );
      await expect(resumed.getByText('Done', { exact: true })).toBeVisible({
        timeout: 180_000
      });
      const folder = scene.folders[kind];
      if (folder) {
        const files = await filesBelow(page, folder);
        expect(files.filter(isTemporary)).toEqual([]);
        expect(files.length).toBeGreaterThan(0);
      }
      await control('verify', { kind, what: 'resumed' });
    });
  }
});
