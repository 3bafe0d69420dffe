import { expect, test } from './fixtures';
import * as path from 'path';

import { control, IScene, taskItem, taskList } from './taskLab';

/** Where the screenshots used by the docs are written. */
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

/** The task list on real tasks of the task lab (task_lab.py): progress, success, failure. */
test.describe('The task list on real tasks', () => {
  // The page opens once the task runs, as when a user comes back to a running task.
  test.use({ autoGoto: false, viewport: { width: 1280, height: 1000 } });
  test.afterEach(() => control('let-go'));

  test('a Rucio download held mid-file shows its progress, then finishes with a notification', async ({
    page
  }) => {
    const scene = await control<IScene>('scene', { kinds: ['rucio.download'] });
    const task = scene.tasks['rucio.download'];
    await page.goto();
    const list = await taskList(page, 'rucio');
    const item = taskItem(list, task.title);
    await expect(item.getByText('Running', { exact: true })).toBeVisible();
    // The bar and the words say what the server says: two files verified, the third under way.
    const progress = (
      await (await page.request.get(`/vre/api/tasks/${task.id}`)).json()
    ).progress;
    expect(progress.done).toBeGreaterThanOrEqual(600_000);
    expect(progress.total).toBe(900_000);
    const bar = item.getByRole('progressbar');
    await expect(bar).toHaveAttribute('value', String(progress.done));
    await expect(bar).toHaveAttribute('max', '900000');
    await expect(item.getByText(/ of 900 kB$/)).toBeVisible();
    await expect(item.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await page.screenshot({ path: path.join(IMAGES, 'tasks-running.png') });

    await control('release');
    await expect(item.getByText('Done', { exact: true })).toBeVisible({
      timeout: 120_000
    });
    await expect(item.getByRole('progressbar')).toHaveCount(0);
    await expect(
      page.locator('.Toastify__toast', { hasText: `${task.title}: done.` })
    ).toBeVisible();
  });

  test('a download whose stored replica is corrupt fails for real: one notification with the reason', async ({
    page
  }) => {
    // Another task stays running meanwhile (a Zenodo fetch held mid-file), so the page keeps
    // asking for the task list every second, as it does while anything runs.
    await control('scene', { kinds: ['zenodo.fetch'] });
    // A dataset whose replica on the storage has the right size and other bytes; the lab
    // holds the download's replica lookup so the page sees it running before it fails.
    const { did } = await control<{ did: string }>('corrupt-download');
    const started = await page.request.post('/vre/api/rucio/dl/download', {
      data: { dids: [did] }
    });
    expect(started.status()).toBe(202);
    const task = await started.json();
    await page.goto();
    const list = await taskList(page, 'rucio');
    const item = taskItem(list, task.title);
    await expect(item.getByText('Running', { exact: true })).toBeVisible();
    let lists = 0;
    page.on('request', r => {
      if (/\/vre\/api\/tasks(\?|$)/.test(r.url())) {
        lists++;
      }
    });

    await control('release', { proxies: ['rucio'] });
    await expect(item.getByText('Failed', { exact: true })).toBeVisible({
      timeout: 120_000
    });
    const reason = (
      await (await page.request.get(`/vre/api/tasks/${task.id}`)).json()
    ).error.message;
    expect(reason).toMatch(/adler32/);
    await expect(item.getByText(reason)).toBeVisible();
    // The notification (JupyterLab shortens a long one) names the task and the reason.
    const toast = page.getByRole('alert').filter({
      hasText: `${task.title} failed: ${reason.slice(0, 40)}`
    });
    await expect(toast).toBeVisible();
    await page.screenshot({ path: path.join(IMAGES, 'tasks-failed.png') });
    // More polls of the task list still make one notification.
    const seen = lists;
    await expect
      .poll(() => lists, { timeout: 60_000 })
      .toBeGreaterThan(seen + 3);
    await expect(toast).toHaveCount(1);
  });
});
