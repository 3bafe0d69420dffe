import { expect, test } from './fixtures';

import {
  control,
  filesBelow,
  IScene,
  isTemporary,
  serviceOf,
  taskItem,
  taskList,
  taskNow
} from './taskLab';

/**
 * Cancel from the task list, one kind of task at a time: a real task on the dev stack held
 * mid-way by the task lab (tests/hardening/scene.py: a request held at a proxy, a download
 * relayed halfway), Cancel clicked in its panel. What cancel means is checked in the
 * workspace through the contents API and at the backend, as tests/hardening/test_cancel.py
 * checks it through the REST API (`Scene.verify_cancelled`).
 */
const KINDS: [string, string][] = [
  ['rucio.make_available', 'the Rucio rule stays, and the task says so'],
  ['rucio.download', 'no partial file; the verified files are kept'],
  [
    'rucio.upload',
    'the file done stays; nothing after it is registered or stored'
  ],
  ['reana.upload', 'only whole inputs in the REANA workspace'],
  ['reana.run', 'the workflow it created is deleted'],
  ['reana.download', 'no partial file'],
  ['zenodo.upload', 'the draft holds only whole files'],
  ['zenodo.fetch', 'no partial file']
];

test.describe('Cancel in the task list, on real tasks held mid-way', () => {
  // The page opens once the task runs, as when a user comes back to a running task.
  test.use({ autoGoto: false, viewport: { width: 1280, height: 1000 } });
  test.afterEach(() => control('let-go'));

  for (const [kind, meaning] of KINDS) {
    test(`${kind}: Cancel stops it; ${meaning}`, async ({ page }) => {
      const scene = await control<IScene>('scene', { kinds: [kind] });
      const task = scene.tasks[kind];
      const folder = scene.folders[kind];
      await page.goto();

      const list = await taskList(page, serviceOf(kind));
      const item = taskItem(list, (await taskNow(page, task.id)).title);
      await expect(item.getByText('Running', { exact: true })).toBeVisible();
      await expect(item.getByRole('progressbar')).toBeVisible();
      if (folder) {
        // Mid-file: its temporary file is in the workspace, so the check below can fail.
        expect(
          (await filesBelow(page, folder)).filter(isTemporary)
        ).toHaveLength(1);
      }

      await item.getByRole('button', { name: 'Cancel' }).click();
      // The held backend call is let through only now (its client is gone), cutting nothing:
      // whatever the cancelled task cleans up, such as the REANA workflow a run made, it can.
      await control('let-go', { cut: false });
      await expect(item.getByText('Cancelled', { exact: true })).toBeVisible({
        timeout: 120_000
      });
      await expect(item.getByRole('progressbar')).toHaveCount(0);
      await expect(item.getByRole('button', { name: 'Cancel' })).toHaveCount(0);

      if (folder) {
        const files = await filesBelow(page, folder);
        expect(files.filter(isTemporary)).toEqual([]);
        if (kind === 'rucio.download') {
          const dataset = String(scene.seen[kind].did).split(':')[1];
          expect(
            files
              .filter(f => f.includes(dataset))
              .map(f => f.split('/').pop())
              .sort()
          ).toEqual([`${dataset}.part0.bin`, `${dataset}.part1.bin`]);
        } else {
          expect(files).toEqual([]); // nothing of the file in flight
        }
      }
      // The backend as test_cancel.py checks it (rule kept, draft, workflow, registrations).
      await control('verify', { kind, what: 'cancelled' });
    });
  }
});
