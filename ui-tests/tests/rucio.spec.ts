import { expect, test } from './fixtures';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import {
  actionBar,
  didRow as row,
  openRucio,
  searchRucio as search
} from './rucioPanel';

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
function freshDataset(files = 2, prefix = ''): IFreshDataset {
  const out = execFileSync(
    path.join(REPO, '.venv', 'bin', 'python'),
    [
      path.join(REPO, 'ui-tests', 'helpers', 'rucio_dataset.py'),
      String(files),
      prefix
    ],
    { encoding: 'utf-8', timeout: 120_000 }
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** The root client of the dev stack sets the user's quota on the mounted RSE (bytes; "reset" restores it). */
function setQuota(bytes: number | 'reset') {
  execFileSync(
    path.join(REPO, '.venv', 'bin', 'python'),
    [path.join(REPO, 'ui-tests', 'helpers', 'rucio_quota.py'), String(bytes)],
    { encoding: 'utf-8', timeout: 60_000 }
  );
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
    const actions = actionBar(panel);
    await expect(panel.locator('.jp-vre-DIDDetails-name')).toHaveText(
      dataset.did
    );

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
    // "Make available" is off now, and where the files are on the mount is shown.
    await expect(
      actions.getByRole('button', { name: 'Make available' })
    ).toBeDisabled();
    const mount = panel.locator('.jp-vre-DIDDetails-mount');
    await expect(mount).toContainText('(2 files)');
    await expect(
      mount.getByRole('button', { name: 'Copy the folder' })
    ).toBeVisible();

    // Opened, it lists its files (breadcrumbs lead back), available too, with their path.
    await datasetRow.dblclick();
    const crumbs = panel.getByRole('navigation', { name: 'Location' });
    await expect(crumbs).toContainText('Results');
    const fileRow = row(panel, firstFile);
    await expect(fileRow.locator('.jp-vre-DID-state')).toHaveText('Available');
    await fileRow.click();
    await expect(
      mount.getByRole('button', { name: 'Copy the path' })
    ).toBeVisible();
    await crumbs.getByRole('button', { name: 'Results' }).click();
    await expect(datasetRow).toHaveClass(/jp-mod-selected/);

    // A notebook with a Python kernel; attach the dataset as `events`.
    await page.notebook.createNew('rucio-attach.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      "print(open(sorted(events)[0], 'rb').read(16).hex())"
    );
    await openRucio(page);
    await datasetRow.click();
    await actions.getByRole('button', { name: 'Attach…' }).click();
    const dialog = page.locator('.jp-Dialog');
    // The dialog says what the variable will hold.
    await expect(dialog).toContainText(
      'a list of local paths (2 paths), sorted'
    );
    await dialog.getByLabel('Variable name').fill('events');
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
    await expect(datasetRow.locator('.jp-vre-DID-state')).toHaveText(
      'Not available'
    );
    await datasetRow.click();
    const actions = actionBar(panel);
    await actions.getByRole('button', { name: 'Attach…' }).click();
    const dialog = page.locator('.jp-Dialog');
    // It offers to make the data available; here the user declines.
    const offer = dialog.getByLabel(/Make it available now/);
    await expect(offer).toBeChecked();
    await offer.uncheck();
    // A Python keyword is refused, with the reason.
    await dialog.getByLabel('Variable name').fill('lambda');
    await dialog.getByRole('button', { name: 'Attach' }).click();
    await expect(page.locator('.jp-Dialog')).toContainText(
      'This is a Python keyword.'
    );
    await page.locator('.jp-Dialog').getByLabel('Variable name').fill('later');
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

  test('screenshots of the panel in the light and the dark theme, at the default sidebar width', async ({
    page
  }) => {
    // The default sidebar width: names cut in the middle, the end of each kept.
    const panel = await openRucio(page, 'devstack', 300);
    await panel.getByLabel('DID to search, as scope:name').fill('atlas_open:*');
    await panel.getByRole('button', { name: 'Search' }).click();
    const periodA = row(
      panel,
      'atlas_open:opendata.pp_13TeV.2016.periodA.PHYSLITE'
    );
    await expect(periodA.locator('.jp-vre-MiddleEllipsis-tail')).toHaveText(
      'riodA.PHYSLITE'.slice(-12)
    );
    // Datasets and containers by default, no files mixed in; no repeated scope.
    await expect(
      panel.locator('.jp-vre-DID[data-did*="pool.root"]')
    ).toHaveCount(0);
    await expect(periodA.locator('.jp-vre-DID-name')).not.toContainText(
      'atlas_open:'
    );
    await expect(periodA.locator('.jp-vre-DID-name')).toHaveAttribute(
      'title',
      'atlas_open:opendata.pp_13TeV.2016.periodA.PHYSLITE'
    );
    await expect(periodA.locator('.jp-vre-DID-state')).toHaveText(
      /^(Available|Not available)$/,
      { timeout: 60_000 }
    );
    await periodA.click();
    await expect(panel.locator('.jp-vre-MetadataList')).toContainText(
      'Datatype'
    );
    await page.screenshot({ path: path.join(IMAGES, 'rucio-panel-light.png') });
    await page.theme.setDarkTheme();
    await expect(panel.locator('.jp-vre-MetadataList')).toBeVisible();
    await page.screenshot({ path: path.join(IMAGES, 'rucio-panel-dark.png') });
    await page.theme.setLightTheme();
  });

  test('metadata filters: the keys the instance accepts, and a clear message for one it refuses', async ({
    page
  }) => {
    const panel = await search(
      page,
      'atlas_open:*',
      'dataset',
      'datatype=DAOD_PHYSLITE,length>2'
    );
    await expect(panel.locator('.jp-vre-DID')).toHaveCount(1);
    await expect(
      row(panel, 'atlas_open:opendata.pp_13TeV.2016.periodA.PHYSLITE')
    ).toBeVisible();
    await panel.getByText('How to filter').click();
    await expect(panel.locator('.jp-vre-RucioSearch-help')).toContainText(
      /Keys this instance accepts: .*datatype/
    );
    await panel.getByLabel('Metadata filter').fill('nokey=1');
    await panel.getByRole('button', { name: 'Search' }).click();
    const refused = panel.locator('.jp-vre-RucioSearch-error');
    await expect(refused).toContainText("Rucio refused the filter 'nokey=1'");
    await expect(refused).toContainText('Keys this instance accepts:');
    await expect(panel.getByLabel('Metadata filter')).toHaveAttribute(
      'aria-invalid',
      'true'
    );
    await page.screenshot({ path: path.join(IMAGES, 'rucio-filter.png') });
  });

  test('several datasets made available in one action, with a warning before the quota is passed', async ({
    page
  }) => {
    const group = `g${Date.now().toString(36)}`;
    const first = freshDataset(1, group);
    const second = freshDataset(1, group);
    const panel = await search(page, `user.jdoe:ui-test.${group}*`, 'dataset');
    const a = row(panel, first.did);
    const b = row(panel, second.did);
    await expect(b).toBeVisible();
    await a.click();
    await b.click({ modifiers: ['Control'] });
    const actions = actionBar(panel);
    await expect(actions).toContainText('2 selected');
    await expect(panel.locator('.jp-vre-RucioSelection')).toContainText(
      '2 DIDs selected'
    );

    // A quota smaller than the two datasets: a warning first, and Cancel starts nothing.
    setQuota(1000);
    try {
      await panel.getByRole('button', { name: 'My rules and quota' }).click();
      await expect(
        panel.locator('.jp-vre-Quota tr[data-rse="VRE-MOUNT"]')
      ).toContainText('1 kB');
      await actions.getByRole('button', { name: 'Make available' }).click();
      const warning = page.locator('.jp-Dialog');
      await expect(warning).toContainText('Over your quota on VRE-MOUNT');
      await page.screenshot({
        path: path.join(IMAGES, 'rucio-quota-warning.png')
      });
      await warning.getByRole('button', { name: 'Cancel' }).click();
      await expect(
        actions.getByRole('button', { name: 'Make available' })
      ).toBeFocused();
    } finally {
      setQuota('reset');
    }
    // With the quota back, both go in one task.
    await panel
      .locator('.jp-vre-RulesFilter')
      .getByRole('button', { name: 'Refresh rules' })
      .click();
    await actions.getByRole('button', { name: 'Make available' }).click();
    const task = panel.locator('.jp-vre-Task').first();
    await expect(task).toContainText('(and 1 more)');
    await expect(task.locator('.jp-vre-Task-state')).toHaveText('Done', {
      timeout: REPLICATION_MS
    });
    await expect(a.locator('.jp-vre-DID-state')).toHaveText('Available');
    await expect(b.locator('.jp-vre-DID-state')).toHaveText('Available');

    // My rules lists both, with state, RSE, lock counts and expiry; the stuck filter shows none of them.
    const rules = panel.locator('.jp-vre-RulesBody');
    await rules.getByRole('button', { name: 'Refresh rules' }).click();
    const rule = rules
      .locator('.jp-vre-Rule', { hasText: first.did })
      .filter({ hasText: 'VRE-MOUNT' });
    await expect(rule).toContainText('OK');
    await expect(rule).toContainText('locks 1 OK · 0 replicating · 0 stuck');
    await expect(rule).toContainText('expires');
    await rules.getByRole('button', { name: 'Stuck' }).click();
    await expect(
      rules.locator('.jp-vre-Rule', { hasText: first.did })
    ).toHaveCount(0);
    await rules.getByRole('button', { name: 'All' }).click();
    // Removing asks first; the dev stack's policy leaves rule changes to admins, which the panel says.
    await rule.getByRole('button', { name: 'Remove…' }).click();
    const confirm = page.locator('.jp-Dialog');
    await expect(confirm).toContainText('Remove rule?');
    await page.screenshot({ path: path.join(IMAGES, 'rucio-rules.png') });
    await confirm.getByRole('button', { name: 'Remove rule' }).click();
    await expect(rules.getByRole('status')).toContainText('permission policy');
  });

  test('Insert into notebook: a code cell that uses the attached dataset', async ({
    page
  }) => {
    const dataset = freshDataset(1);
    await page.notebook.createNew('rucio-insert.ipynb');
    const panel = await search(page, dataset.did, 'dataset');
    await row(panel, dataset.did).click();
    await actionBar(panel)
      .getByRole('button', { name: 'Insert into notebook' })
      .click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByLabel('Variable name').fill('inputs');
    await dialog.getByRole('button', { name: 'Attach' }).click(); // made available too (checked)
    await expect(page.locator('.jp-vre-AttachmentsStatus')).toHaveText(
      'Rucio: 1 variable injected',
      { timeout: REPLICATION_MS }
    );
    await expect(page.locator('.jp-Cell').nth(1)).toContainText(
      'for path in inputs:'
    );
    await page.notebook.runCell(1);
    const output = (await page.notebook.getCellTextOutput(1))?.[0] ?? '';
    expect(output).toMatch(/\.part0\.root \d+/);
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
    await datasetRow.dblclick();
    await expect(row(panel, `user.jdoe:${name}`)).toBeVisible();
  });
});
