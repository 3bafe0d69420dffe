import { expect, IJupyterLabPageFixture, test } from './fixtures';
import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * A dataset only partly on the mounted RSE, attached to a notebook (#21): it waits, saying how
 * many of its files are missing, and its variable is not injected; once the rest is made
 * available it is injected whole. Real dev-stack Rucio and daemons, no routed fakes.
 *
 * Elements are found by role and label text, so that the spec survives restyling of the panel.
 */

const REPO = path.resolve(__dirname, '..', '..');
/** Replication by the real daemons takes seconds; the first after a start up to ~15 s. */
const REPLICATION_MS = 150_000;

type Locator = ReturnType<IJupyterLabPageFixture['locator']>;

/** A new dataset of `files` files on a remote RSE of the dev stack, none on the mounted one. */
function freshDataset(files: number): {
  did: string;
  files: Record<string, string>;
} {
  const out = execFileSync(
    path.join(REPO, '.venv', 'bin', 'python'),
    [path.join(REPO, 'ui-tests', 'helpers', 'rucio_dataset.py'), String(files)],
    { encoding: 'utf-8', timeout: 120_000 }
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function openRucio(page: IJupyterLabPageFixture): Promise<Locator> {
  const panel = page.locator('#jp-vre-rucio-panel');
  if (!(await panel.isVisible())) {
    await page.locator('.jp-SideBar [data-id="jp-vre-rucio-panel"]').click();
  }
  await expect(panel).toBeVisible();
  await panel.getByLabel('Instance').selectOption('devstack');
  await expect(panel.getByText('Connected.', { exact: true })).toBeVisible();
  return panel;
}

/** Search one DID and select its row; returns the row. */
async function selectDid(
  page: IJupyterLabPageFixture,
  did: string,
  type: 'file' | 'dataset'
): Promise<Locator> {
  const panel = await openRucio(page);
  await panel.getByLabel('DID to search, as scope:name').fill(did);
  await panel.getByLabel('Type of DID').selectOption(type);
  await panel.getByRole('button', { name: 'Search' }).click();
  const row = panel
    .getByRole('treeitem')
    .or(panel.getByRole('option'))
    .filter({ hasText: did.split(':')[1] });
  await expect(row).toHaveCount(1);
  await row.click();
  return row;
}

/** Make the selected DID available (a task; the daemons copy it onto the mounted RSE). */
async function makeAvailable(page: IJupyterLabPageFixture) {
  const panel = await openRucio(page);
  await panel
    .getByRole('button', { name: 'Make available', exact: true })
    .first()
    .click();
}

/** The printed output of a one-line cell run in the notebook's kernel. */
async function runInKernel(
  page: IJupyterLabPageFixture,
  code: string
): Promise<string> {
  await page.notebook.setCell(0, 'code', code);
  await page.notebook.runCell(0);
  return ((await page.notebook.getCellTextOutput(0))?.[0] ?? '').trim();
}

test.describe('A partly available dataset attached to a notebook', () => {
  test.setTimeout(400_000);
  test.use({ viewport: { width: 1280, height: 900 } });

  test('waits with "n of N files missing", not injected, then injected whole', async ({
    page
  }) => {
    const dataset = freshDataset(3);
    const [firstFile] = Object.keys(dataset.files).sort();
    await page.notebook.createNew('rucio-partial.ipynb');

    // One of its three files is brought onto the mounted RSE, by the real daemons.
    const fileRow = await selectDid(page, firstFile, 'file');
    await makeAvailable(page);
    await expect(fileRow).toContainText(/Available$/, {
      timeout: REPLICATION_MS
    });

    // The dataset is attached: it waits, saying how many of its files are missing.
    const datasetRow = await selectDid(page, dataset.did, 'dataset');
    await expect(datasetRow).toBeVisible();
    const panel = await openRucio(page);
    await panel.getByRole('button', { name: /^Attach/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').first().fill('partial_set');
    await dialog.getByRole('button', { name: 'Attach', exact: true }).click();
    await expect(dialog).toHaveCount(0);

    const attachment = page
      .getByRole('region', { name: 'Notebook attachments' })
      .getByRole('listitem')
      .filter({ hasText: 'partial_set' });
    await expect(attachment).toContainText(dataset.did);
    await expect(attachment).toContainText('Waiting: 2 of 3 files missing');
    await expect(attachment).not.toContainText('Injected');
    await expect(page.getByText('Rucio: 0 injected, 1 waiting')).toBeVisible();

    // Not injected, not even as the subset that is there.
    expect(await runInKernel(page, "print('partial_set' in globals())")).toBe(
      'False'
    );

    // The rest is made available: the attachment is injected with all three files.
    await selectDid(page, dataset.did, 'dataset');
    await makeAvailable(page);
    await expect(attachment).toContainText('Injected (3 files)', {
      timeout: REPLICATION_MS
    });
    await expect(attachment).not.toContainText('Waiting');
    expect(
      await runInKernel(
        page,
        "print(len(partial_set), ' '.join(sorted(open(p, 'rb').read(16).hex() for p in partial_set)))"
      )
    ).toBe(`3 ${Object.values(dataset.files).sort().join(' ')}`);
  });
});
