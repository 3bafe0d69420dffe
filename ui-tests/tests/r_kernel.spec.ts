import { expect, IJupyterLabPageFixture, test } from './fixtures';
import { execFileSync } from 'child_process';
import * as path from 'path';

import { actionBar, didRow, searchRucio } from './rucioPanel';

/**
 * A Rucio attachment in a notebook with a real R kernel (Debian's r-base-core and
 * IRkernel, registered by scripts/bootstrap.sh --tests), on the dev stack's Rucio.
 */

const REPO = path.resolve(__dirname, '..', '..');

interface IFreshDataset {
  did: string;
  /** File DID → hex of its first 16 bytes. */
  files: Record<string, string>;
}

function freshDataset(files: number): IFreshDataset {
  const out = execFileSync(
    path.join(REPO, '.venv', 'bin', 'python'),
    [path.join(REPO, 'ui-tests', 'helpers', 'rucio_dataset.py'), String(files)],
    { encoding: 'utf-8', timeout: 120_000 }
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** Made available through the API: the panel's own flow is rucio.spec.ts's subject. */
async function makeAvailable(page: IJupyterLabPageFixture, did: string) {
  const started = await page.request.post(
    '/vre/api/rucio/devstack/make-available',
    { data: { dids: [did] } }
  );
  expect(started.status()).toBe(202);
  const { id } = await started.json();
  await expect
    .poll(
      async () =>
        (await (await page.request.get(`/vre/api/tasks/${id}`)).json()).state,
      { timeout: 150_000, intervals: [1000] }
    )
    .toBe('succeeded');
}

/** R prints the first 16 bytes of the first file of `events` as hex. */
const READ_IN_R =
  'cat(paste(readBin(sort(events)[1], "raw", 16), collapse = ""), "\\n")';

/** FALSE in a kernel that has not run it before. */
const MARK = 'seen <- exists("marker"); marker <- 1; cat(seen, "\\n")';

test.describe('An R kernel', () => {
  test.setTimeout(400_000);
  // Galata 5.6's kernels route answers the kernel restart POST with 201 (it proxies every
  // POST as a creation); @jupyterlab/services wants 200, so its restart() fails half-way and
  // never reconnects, and what the page queued meanwhile (the debugger's debug_request) and
  // everything after it is never sent. Not routing the kernels API avoids this test-harness
  // bug (docs/dev/testing.md, "Kernel restart"); sessions are still tracked and closed.
  test.use({ kernels: null, viewport: { width: 1280, height: 900 } });

  test('reads an attached dataset after start and after a kernel restart', async ({
    page
  }) => {
    const dataset = freshDataset(2);
    const [firstFile] = Object.keys(dataset.files).sort();
    await makeAvailable(page, dataset.did);

    await page.notebook.createNew('r-attach.ipynb', { kernel: 'ir' });
    const kernelStatus = page.locator('.jp-StatusBar-TextItem', {
      hasText: 'R |'
    });
    await expect(kernelStatus).toHaveText(/\| Idle$/, { timeout: 60_000 });
    await page.notebook.setCell(0, 'code', READ_IN_R);
    // A mark of this kernel's life, to show that the restart gives a new one.
    await page.notebook.addCell('code', MARK);

    // Attach the dataset as `events` from the panel: search, select, Attach… in the action bar.
    const panel = await searchRucio(page, dataset.did, 'dataset');
    await didRow(panel, dataset.did).click();
    await actionBar(panel).getByRole('button', { name: 'Attach…' }).click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByLabel('Variable name').fill('events');
    await dialog.getByRole('button', { name: 'Attach' }).click();
    const status = page.locator('.jp-vre-AttachmentsStatus');
    await expect(status).toHaveText('Rucio: 1 variable injected');

    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.[0].trim()).toBe(
      dataset.files[firstFile]
    );
    await page.notebook.runCell(1);
    expect((await page.notebook.getCellTextOutput(1))?.[0].trim()).toBe(
      'FALSE'
    );

    // Restart the R kernel: `events` is injected again without a cell run for it.
    const before = Number(await status.getAttribute('data-injections'));
    await page.menu.clickMenuItem('Kernel>Restart Kernel…');
    const restarted = page.waitForResponse(
      response =>
        /\/api\/kernels\/[^/]+\/restart/.test(response.url()) &&
        response.request().method() === 'POST'
    );
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    expect((await restarted).ok()).toBe(true);
    // No Reconnect, as in rucio.spec.ts: the page sees the new kernel go idle by itself
    // (the upstream status bug's workaround is in the test server's config only).
    await expect(kernelStatus).toHaveText(/\| Idle$/, { timeout: 60_000 });
    await expect
      .poll(async () => Number(await status.getAttribute('data-injections')), {
        timeout: 60_000
      })
      .toBeGreaterThan(before);
    // The kernel is new (no marker): only the re-injection can have defined `events` in it.
    await page.notebook.runCell(1);
    expect((await page.notebook.getCellTextOutput(1))?.[0].trim()).toBe(
      'FALSE'
    );
    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.[0].trim()).toBe(
      dataset.files[firstFile]
    );
  });
});
