import { expect, IJupyterLabPageFixture, test } from './fixtures';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The whole lifecycle on the dev stack: a dataset found in the real Rucio and made
 * available on the mounted RSE, attached to a notebook, read by a workflow on the
 * REANA stand-in, its output published to the Zenodo stand-in, the DOI in the
 * notebook, and the published RO-Crate read by a pytest with the `rocrate` library.
 */

const REPO = path.resolve(__dirname, '..', '..');
const PYTHON = path.join(REPO, '.venv', 'bin', 'python');
const REPLICATION_MS = 150_000;

function stack(): Record<string, any> {
  const home = process.env.VRE_DEVSTACK_HOME || path.join(REPO, '.devstack');
  return JSON.parse(fs.readFileSync(path.join(home, 'stack.json'), 'utf-8'));
}

function freshDataset(): { did: string; files: Record<string, string> } {
  const out = execFileSync(
    PYTHON,
    [path.join(REPO, 'ui-tests', 'helpers', 'rucio_dataset.py'), '2'],
    { encoding: 'utf-8', timeout: 120_000 }
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

// Reads every file of the attached dataset where the mount has it: the hex of its first 16 bytes.
const SPEC = `version: 0.9.0
inputs:
  parameters: {}
workflow:
  type: serial
  specification:
    steps:
      - name: heads
        environment: docker.io/library/python:3.11-slim
        commands:
          - 'mkdir -p results && for f in \${events}; do head -c 16 "$$f" | od -An -tx1 | tr -d " \\n"; echo; done | sort > results/heads.txt'
outputs:
  files:
    - results/heads.txt
`;

async function connect(
  page: IJupyterLabPageFixture,
  panelId: string,
  instance: string,
  token: string
) {
  await page.locator(`.jp-SideBar [data-id="${panelId}"]`).click();
  const row = page.locator(`#${panelId} [data-instance="${instance}"]`);
  if (await row.getByLabel('Access token').isVisible()) {
    await row.getByLabel('Access token').fill(token);
    await row.getByRole('button', { name: 'Connect' }).click();
  }
  await expect(row.getByRole('button', { name: 'Disconnect' })).toBeVisible();
  return row;
}

async function metadata(page: IJupyterLabPageFixture): Promise<any> {
  return JSON.parse(
    await page.evaluate(() => {
      // The notebook, wherever the focus is (the Zenodo panel takes it while publishing).
      for (const widget of window.jupyterapp.shell.widgets('main')) {
        const panel = widget as any;
        if (panel.context?.path?.endsWith('lifecycle.ipynb')) {
          return JSON.stringify(panel.model.getMetadata('vre'));
        }
      }
      throw new Error('The lifecycle notebook is not open.');
    })
  );
}

test('from a Rucio dataset to a REANA run to a Zenodo DOI, with an RO-Crate', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300_000);
  const facts = stack();
  const dataset = freshDataset();
  await page.contents.uploadContent(SPEC, 'text', `${tmpPath}/reana.yaml`);
  await connect(page, 'jp-vre-reana-panel', 'default', facts.reana.token);
  const zenodo = await connect(
    page,
    'jp-vre-zenodo-panel',
    'custom',
    facts.zenodo.token
  );

  // Find the dataset in the Rucio panel and make it available on the mounted RSE.
  await page.locator('.jp-SideBar [data-id="jp-vre-rucio-panel"]').click();
  const panel = page.locator('#jp-vre-rucio-panel');
  await panel
    .locator('.jp-vre-RucioView-instance select')
    .selectOption('devstack');
  await expect(panel.getByText('Connected.', { exact: true })).toBeVisible();
  await panel.getByLabel('DID to search, as scope:name').fill(dataset.did);
  await panel.getByLabel('Type of DID').selectOption('dataset');
  await panel.getByRole('button', { name: 'Search' }).click();
  const datasetRow = panel.locator(`.jp-vre-DID[data-did="${dataset.did}"]`);
  await datasetRow.click();
  const actions = panel.locator('.jp-vre-DIDActions');
  await actions.getByRole('button', { name: 'Make available' }).click();
  await expect(datasetRow.locator('.jp-vre-DID-state')).toHaveText(
    'Available',
    { timeout: REPLICATION_MS }
  );

  // Attach it to a notebook next to the reana.yaml, as `events`.
  await page.notebook.createNew('lifecycle.ipynb');
  if (!(await panel.isVisible())) {
    await page.locator('.jp-SideBar [data-id="jp-vre-rucio-panel"]').click();
  }
  await datasetRow.click();
  await actions.getByRole('button', { name: 'Attach to notebook' }).click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input').fill('events');
  await dialog.getByRole('button', { name: 'Attach' }).click();
  await expect(page.locator('.jp-vre-AttachmentsStatus')).toHaveText(
    'Rucio: 1 variable injected'
  );

  // Run on REANA with the notebook's inputs: read on the mounted RSE; the amended file is shown.
  // Started, not awaited: the command waits for the dialogs this test answers.
  await page.evaluate(() => {
    void window.jupyterapp.commands.execute('jupyterlab-vre:lifecycle-run');
  });
  await expect(dialog.locator('select')).toBeVisible();
  await dialog.getByRole('button', { name: 'OK' }).click();
  const specText = dialog.locator('.jp-vre-LifecycleSpec-text');
  await expect(specText).toContainText(facts.rucio.mount_path);
  await expect(
    dialog.getByText(/reana-vre\.yaml \(from .*reana\.yaml\) is valid/)
  ).toBeVisible();
  await dialog.getByRole('button', { name: 'Run' }).click();
  const status = page.locator('.jp-vre-LifecycleStatus').first();
  await expect(status).toContainText('finished: publish its outputs', {
    timeout: 120_000
  });

  // Close and open the notebook again (what a JupyterLab reload does to it): it says where its
  // lifecycle stopped, from its own metadata, and continues from there.
  await page.notebook.close();
  await expect(status).toHaveCount(0);
  await page.evaluate(async notebook => {
    await window.jupyterapp.commands.execute('docmanager:open', {
      path: notebook
    });
  }, `${tmpPath}/lifecycle.ipynb`);
  await expect(status).toContainText('finished: publish its outputs');

  // Publish its outputs to Zenodo, prefilled; the notebook then shows and keeps the DOI.
  // Started, not awaited: the command waits for the dialogs this test answers.
  await page.evaluate(() => {
    void window.jupyterapp.commands.execute('jupyterlab-vre:lifecycle-publish');
  });
  // The outputs are fetched and checked against Zenodo's limits before the first question.
  await expect(dialog.locator('input')).toHaveValue(/^Outputs of /, {
    timeout: 60_000
  });
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog.locator('input')).toHaveValue('Doe, Jane');
  await dialog.getByRole('button', { name: 'OK' }).click();
  // The draft is in the notebook at once; the files go up, then the Zenodo panel opens the
  // draft as it does any draft: its metadata, then the review with the same explicit
  // confirmation before anything is published.
  const form = page.getByRole('form', { name: 'Zenodo metadata' });
  await expect(form).toBeVisible({ timeout: 120_000 });
  expect((await metadata(page)).lifecycle.step).toBe('draft');
  await form.getByRole('button', { name: 'Review' }).click();
  const review = page.locator('.jp-vre-ZenodoReview');
  await expect(review).toBeVisible();
  await expect(review.getByText('results__heads.txt')).toBeVisible();
  const publishButton = review.getByRole('button', { name: 'Publish' });
  await expect(publishButton).toBeDisabled();
  await review.locator('.jp-vre-ZenodoReview-confirm input').check();
  await publishButton.click();
  await expect(status).toContainText(`DOI ${facts.zenodo.doi_prefix}`, {
    timeout: 120_000
  });
  const vre = await metadata(page);
  const doi = vre.lifecycle.doi;
  expect(vre.lifecycle.step).toBe('published');
  expect(vre.produced_dois).toEqual([doi]);

  // The workflow read the attached files from the mount.
  const root = path.join(REPO, 'ui-tests', 'workspace');
  const folder = path.join(root, vre.lifecycle.published_folder);
  expect(
    fs.readFileSync(path.join(folder, 'results', 'heads.txt'), 'utf-8')
  ).toBe(Object.values(dataset.files).sort().join('\n') + '\n');

  // The RO-Crate in the published folder, checked with the `rocrate` library.
  execFileSync(
    PYTHON,
    [
      '-m',
      'pytest',
      '-q',
      '-p',
      'no:cacheprovider',
      path.join(REPO, 'ui-tests', 'helpers', 'test_lifecycle_crate.py')
    ],
    {
      encoding: 'utf-8',
      timeout: 120_000,
      cwd: REPO,
      env: {
        ...process.env,
        LIFECYCLE_CRATE_DIR: folder,
        LIFECYCLE_DOI: doi,
        LIFECYCLE_DID: dataset.did,
        LIFECYCLE_OUTPUT: 'results/heads.txt'
      }
    }
  );

  // Leave the server as the other tests expect it: no Zenodo token.
  if (!(await zenodo.isVisible())) {
    await page.locator('.jp-SideBar [data-id="jp-vre-zenodo-panel"]').click();
  }
  await zenodo.getByRole('button', { name: 'Disconnect' }).click();
  await expect(zenodo).toContainText('Not connected');
});
