import { expect, IJupyterLabPageFixture, test } from './fixtures';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Against the dev stack's real Rucio (instance `devstack` of jupyter_server_test_config.py). */

const REPO = path.resolve(__dirname, '..', '..');
const IMAGES = path.join(REPO, 'docs', 'images');
/** Replication by the real daemons takes seconds; the first after a start up to ~15 s. */
const REPLICATION_MS = 150_000;

interface IFreshDataset {
  did: string;
  /** File DID → hex of its first 16 bytes. */
  files: Record<string, string>;
}

/** A new dataset on a remote RSE of the dev stack, not yet on the mounted one. */
function freshDataset(files = 2): IFreshDataset {
  const out = execFileSync(
    path.join(REPO, '.venv', 'bin', 'python'),
    [path.join(REPO, 'ui-tests', 'helpers', 'rucio_dataset.py'), String(files)],
    { encoding: 'utf-8', timeout: 120_000 }
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** A wider left sidebar, so rows show their names (and screenshots are readable). */
async function widenSidebar(page: IJupyterLabPageFixture) {
  const handle = page
    .locator('#jp-main-split-panel > .lm-SplitPanel-handle')
    .first();
  const box = await handle.boundingBox();
  if (box && box.x < 450) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(520, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
  }
}

async function openRucio(page: IJupyterLabPageFixture) {
  const panel = page.locator('#jp-vre-rucio-panel');
  if (!(await panel.isVisible())) {
    await page.locator('.jp-SideBar [data-id="jp-vre-rucio-panel"]').click();
  }
  await expect(panel).toBeVisible();
  await widenSidebar(page);
  const picker = panel.locator('.jp-vre-RucioView-instance select');
  await picker.selectOption('devstack');
  await expect(panel.getByText('Connected.', { exact: true })).toBeVisible();
  return panel;
}

async function search(
  page: IJupyterLabPageFixture,
  pattern: string,
  type: string
) {
  const panel = await openRucio(page);
  await panel.getByLabel('DID to search, as scope:name').fill(pattern);
  await panel.getByLabel('Type of DID').selectOption(type);
  await panel.getByRole('button', { name: 'Search' }).click();
  return panel;
}

function row(
  panel: ReturnType<IJupyterLabPageFixture['locator']>,
  did: string
) {
  return panel.locator(`.jp-vre-DID[data-did="${did}"]`);
}

test.describe('The Rucio panel on the dev stack', () => {
  test.setTimeout(400_000);
  // Galata 5.6's kernels route answers the kernel restart POST with 201 (it proxies every
  // POST as a creation); @jupyterlab/services wants 200, so its restart() fails half-way and
  // never reconnects, and what the page queued meanwhile (the debugger's debug_request) and
  // everything after it is never sent. Not routing the kernels API avoids this test-harness
  // bug (docs/dev/testing.md, "Kernel restart"); sessions are still tracked and closed.
  test.use({ kernels: null, viewport: { width: 1280, height: 900 } });

  test('search, make available, attach to a notebook, read it in the kernel, restart', async ({
    page
  }) => {
    const dataset = freshDataset(2);
    const [firstFile] = Object.keys(dataset.files).sort();

    // Search finds the dataset, and it is not on the mounted RSE yet.
    const panel = await search(page, `${dataset.did.slice(0, -4)}*`, 'dataset');
    const datasetRow = row(panel, dataset.did);
    await expect(datasetRow).toBeVisible();
    await expect(datasetRow).toContainText('2 files');
    await expect(datasetRow.locator('.jp-vre-DID-state')).toHaveText(
      'Not available'
    );
    await datasetRow.click();
    const actions = panel.locator('.jp-vre-DIDActions');
    await expect(actions.locator('h4')).toHaveText(dataset.did);

    // Make it available: the task runs and reaches Done; the row then says Available.
    await actions.getByRole('button', { name: 'Make available' }).click();
    const task = panel.locator('.jp-vre-Task').first();
    await expect(task).toContainText(dataset.did);
    await expect(task.locator('.jp-vre-Task-state')).toHaveText('Done', {
      timeout: REPLICATION_MS
    });
    await expect(datasetRow.locator('.jp-vre-DID-state')).toHaveText(
      'Available'
    );

    // Its files, listed under it, are available too, with their local path.
    await datasetRow.locator('.jp-vre-DID-toggle').click();
    const fileRow = row(panel, firstFile);
    await expect(fileRow.locator('.jp-vre-DID-state')).toHaveText('Available');
    await fileRow.click();
    await expect(
      actions.getByRole('button', { name: 'Copy local path' })
    ).toBeVisible();

    // A notebook with a Python kernel; attach the dataset as `events`.
    await page.notebook.createNew('rucio-attach.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      "print(open(sorted(events)[0], 'rb').read(16).hex())"
    );
    await openRucio(page);
    await datasetRow.click();
    await actions.getByRole('button', { name: 'Attach to notebook' }).click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('input').fill('events');
    await dialog.getByRole('button', { name: 'Attach' }).click();

    const status = page.locator('.jp-vre-AttachmentsStatus');
    await expect(status).toHaveText('Rucio: 1 variable injected');
    const attachment = panel.locator(
      '.jp-vre-Attachment[data-variable="events"]'
    );
    await expect(attachment).toContainText(dataset.did);
    // A collection is injected whole, and says how many files it holds.
    await expect(attachment.locator('.jp-vre-Attachment-state')).toHaveText(
      /^Injected \(\d+ files\)$/
    );

    // Only the DID is stored in the notebook, never a path.
    const stored = await page.evaluate(() => {
      const widget = window.jupyterapp.shell.currentWidget as any;
      return JSON.stringify(widget.model.getMetadata('vre'));
    });
    expect(JSON.parse(stored)).toEqual({
      rucio_attachments: [
        { instance: 'devstack', did: dataset.did, variable: 'events' }
      ]
    });

    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.[0].trim()).toBe(
      dataset.files[firstFile]
    );
    await page.screenshot({
      path: path.join(IMAGES, 'rucio-attachments.png')
    });

    // Restart the kernel: the variable is injected again, with no cell run for it.
    const before = Number(await status.getAttribute('data-injections'));
    await page.menu.clickMenuItem('Kernel>Restart Kernel…');
    const restarted = page.waitForResponse(
      response =>
        /\/api\/kernels\/[^/]+\/restart/.test(response.url()) &&
        response.request().method() === 'POST'
    );
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    expect((await restarted).ok()).toBe(true);
    // No Reconnect: the page sees the new kernel go idle and the injector re-injects.
    // (The upstream status bug is worked around in the test server's config only:
    // docs/dev/testing.md, "Kernel restart".)
    const kernelStatus = page.locator('.jp-StatusBar-TextItem', {
      hasText: 'Python 3 (ipykernel) |'
    });
    await expect(kernelStatus).toHaveText(/\| Idle$/, { timeout: 60_000 });
    await expect
      .poll(async () => Number(await status.getAttribute('data-injections')), {
        timeout: 60_000
      })
      .toBeGreaterThan(before);
    await expect(status).toHaveText('Rucio: 1 variable injected');
    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.[0].trim()).toBe(
      dataset.files[firstFile]
    );
    // The injection left no trace in the kernel's history.
    await page.notebook.setCell(
      0,
      'code',
      'print(sum("events = [" in h for h in In[:-1]))'
    );
    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.[0].trim()).toBe('0');
  });

  test('an attachment not available yet is reported, then injected once it is', async ({
    page
  }) => {
    const dataset = freshDataset(1);
    await page.notebook.createNew('rucio-later.ipynb');
    const panel = await search(page, dataset.did, 'all');
    const datasetRow = row(panel, dataset.did);
    await datasetRow.click();
    const actions = panel.locator('.jp-vre-DIDActions');
    await actions.getByRole('button', { name: 'Attach to notebook' }).click();
    const dialog = page.locator('.jp-Dialog');
    // A Python keyword is refused, with the reason.
    await dialog.locator('input').fill('lambda');
    await dialog.getByRole('button', { name: 'Attach' }).click();
    await expect(page.locator('.jp-Dialog')).toContainText(
      'This is a Python keyword.'
    );
    await page.locator('.jp-Dialog input').fill('later');
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Attach' })
      .click();

    const status = page.locator('.jp-vre-AttachmentsStatus');
    await expect(status).toHaveText('Rucio: 0 injected, 1 waiting');
    await expect(status).toHaveAttribute('title', /not available/);
    const attachment = panel.locator(
      '.jp-vre-Attachment[data-variable="later"]'
    );
    // Not a subset: it waits, saying how many of its files are missing.
    await expect(attachment.locator('.jp-vre-Attachment-state')).toHaveText(
      /^Waiting: \d+ of \d+ files missing$/
    );

    await actions.getByRole('button', { name: 'Make available' }).click();
    await expect(status).toHaveText('Rucio: 1 variable injected', {
      timeout: REPLICATION_MS
    });
    await page.notebook.setCell(
      0,
      'code',
      'print(type(later).__name__, len(later))'
    );
    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.[0].trim()).toBe(
      'list 1'
    );

    // Removing the attachment removes it from the notebook's metadata.
    await attachment.getByRole('button', { name: 'Remove' }).click();
    await expect(attachment).toHaveCount(0);
    await expect(status).toHaveCount(0);
  });

  test('screenshots of the panel in the light and the dark theme', async ({
    page
  }) => {
    const panel = await search(page, 'atlas_open:*', 'all');
    const first = panel.locator('.jp-vre-DID').first();
    await expect(first).toBeVisible();
    await first.locator('.jp-vre-DID-toggle').click();
    await expect(panel.locator('.jp-vre-DID').nth(1)).toBeVisible();
    // Rows say where they stand (a failed question is asked again a few seconds later).
    const lastFile = panel
      .locator('.jp-vre-DID')
      .filter({ hasText: 'F' })
      .last();
    await expect(lastFile.locator('.jp-vre-DID-state')).toHaveText(
      /^(Available|Not available)$/,
      { timeout: 60_000 }
    );
    await panel.locator('.jp-vre-DID').nth(1).click();
    await expect(panel.locator('.jp-vre-DIDActions')).toBeVisible();
    // Keyboard: the tree takes focus and the arrows move through it.
    await panel.locator('[role="tree"]').focus();
    await page.keyboard.press('ArrowDown');
    await expect(panel.locator('.jp-vre-DID.jp-mod-active')).toHaveCount(1);
    await panel.locator('.jp-vre-RucioView').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(IMAGES, 'rucio-panel-light.png') });
    await page.theme.setDarkTheme();
    await expect(panel.locator('.jp-vre-DIDActions')).toBeVisible();
    await page.screenshot({ path: path.join(IMAGES, 'rucio-panel-dark.png') });
    await page.theme.setLightTheme();
  });

  test('upload a file from the file browser’s context menu, then find it by search', async ({
    page,
    tmpPath
  }) => {
    const home = process.env.VRE_DEVSTACK_HOME || path.join(REPO, '.devstack');
    const stack = JSON.parse(
      fs.readFileSync(path.join(home, 'stack.json'), 'utf-8')
    );
    const rse: string = stack.rucio.upload_rse;
    const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const name = `ui-upload-${tag}.txt`;
    await page.contents.uploadContent(
      `uploaded from the UI test ${tag}\n`,
      'text',
      `${tmpPath}/${name}`
    );
    await page.filebrowser.refresh();
    const item = page.locator('.jp-DirListing-item', { hasText: name });
    await item.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Upload to Rucio…' }).click();

    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(`Upload ${tmpPath}/${name} to Rucio.`);
    await dialog.locator('select').first().selectOption('devstack');
    await expect(
      dialog.locator(`select[name="rse"] option[value="${rse}"]`)
    ).toHaveCount(1);
    await dialog.locator('select[name="rse"]').selectOption(rse);
    await expect(dialog.locator('select[name="scope"]')).toHaveValue(
      'user.jdoe'
    );
    const datasetDID = `user.jdoe:ui-upload.${tag}`;
    await dialog.locator('input[name="dataset"]').fill(datasetDID);
    await dialog.locator('input[name="lifetime"]').fill('1');
    await dialog.getByRole('button', { name: 'Upload' }).click();

    // The upload is a task of the Rucio panel, and ends Done.
    const panel = page.locator('#jp-vre-rucio-panel');
    await expect(panel).toBeVisible();
    const task = panel.locator('.jp-vre-Task').first();
    await expect(task).toContainText(name);
    await expect(task.locator('.jp-vre-Task-state')).toHaveText('Done', {
      timeout: REPLICATION_MS
    });

    // Search finds the new dataset, with the file in it.
    await search(page, datasetDID, 'dataset');
    const datasetRow = row(panel, datasetDID);
    await expect(datasetRow).toBeVisible();
    await datasetRow.locator('.jp-vre-DID-toggle').click();
    await expect(row(panel, `user.jdoe:${name}`)).toBeVisible();
  });
});
