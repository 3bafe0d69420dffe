import {
  expect,
  IJupyterLabPageFixture,
  patientApplication,
  test
} from './fixtures';
import * as path from 'path';

import {
  expectAccessible,
  expectAccessibleInBothThemes,
  exposeToAxe,
  useTheme
} from './accessibility';

test.use(patientApplication);

/**
 * Against the real server and the dev stack's Zenodo stand-in
 * (devstack/zenodo): a token entered in the panel, then a workspace folder
 * published from the file browser's context menu, ending on its DOI.
 */
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const TOKEN = process.env.VRE_ZENODO_TOKEN || 'vre-devstack-zenodo-token';

const CODEMETA = {
  '@context': 'https://w3id.org/codemeta/3.0',
  '@type': 'SoftwareSourceCode',
  name: 'Galata muon analysis',
  description: 'Published from JupyterLab by the UI tests.',
  version: '2.0.0',
  softwareVersion: '2.0.0',
  datePublished: '2026-11-20',
  license: 'https://spdx.org/licenses/MIT',
  readme: 'https://example.org/readme',
  author: [{ '@type': 'Person', givenName: 'Jane', familyName: 'Doe' }],
  maintainer: [{ '@type': 'Person', givenName: 'Jane', familyName: 'Doe' }]
};

/** Show the Zenodo panel (clicking its tab while it shows would hide it). */
async function openZenodo(page: IJupyterLabPageFixture) {
  const panel = page.locator('#jp-vre-zenodo-panel');
  if (!(await panel.isVisible())) {
    await page.locator('.jp-SideBar [data-id="jp-vre-zenodo-panel"]').click();
  }
  await expect(panel).toBeVisible();
  return panel;
}

test('a folder is published from the panel with inline checks and a full review, edited, versioned, discarded and found with its files', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300_000);
  await exposeToAxe(page);
  const folder = 'muon-analysis';
  await page.contents.uploadContent(
    JSON.stringify(CODEMETA, null, 1),
    'text',
    `${tmpPath}/${folder}/codemeta.json`
  );
  await page.contents.uploadContent(
    'run,muons\n1,42\n2,51\n',
    'text',
    `${tmpPath}/${folder}/counts.csv`
  );
  await page.contents.uploadContent(
    'print("fit")\n',
    'text',
    `${tmpPath}/${folder}/code/fit.py`
  );

  // Connect with a Zenodo token; an accepted token needs no words.
  const panel = await openZenodo(page);
  const line = panel.locator('.jp-vre-ConnectionLine');
  const publishButton = panel.getByRole('button', { name: 'Publish…' });
  await expect(publishButton).toBeDisabled();
  await panel.getByLabel('Access token').fill(TOKEN);
  await panel.getByRole('button', { name: 'Connect' }).click();
  await expect(line.locator('.jp-vre-ConnectionLine-state')).toHaveText(
    'connected'
  );
  expect(await page.content()).not.toContain(TOKEN);

  // "Publish…" is at the top of the panel: choose the folder.
  await expect(publishButton).toBeEnabled();
  await publishButton.click();
  const picker = page.locator('.jp-Dialog');
  await picker.locator('.jp-DirListing-item', { hasText: tmpPath }).dblclick();
  await picker.locator('.jp-DirListing-item', { hasText: folder }).click();
  await picker.getByRole('button', { name: 'Select' }).click();

  const view = page.locator('.jp-vre-ZenodoPublish').last();
  const title = view.getByLabel(/^Title/);
  await expect(title).toHaveValue('Galata muon analysis');
  await expect(title).toBeFocused();
  await expect(view.getByRole('status')).toContainText(
    /Prefilled from .*codemeta.json/
  );
  await expect(view.getByLabel(/^Licence/)).toHaveValue('mit');
  await expect(view.getByText('Fields marked * are required.')).toBeVisible();
  await expect(
    view.getByText(/code\/fit.py becomes code__fit.py/)
  ).toBeVisible();

  // Required fields are checked where they are, as they are left.
  const description = view.getByLabel(/^Description/);
  await expect(description).toHaveAttribute('aria-required', 'true');
  await description.fill('');
  await description.press('Tab');
  await expect(view.getByText('A description is required.')).toBeVisible();
  await expect(description).toHaveAttribute('aria-invalid', 'true');
  await description.fill('Muon counts per run, fitted.');
  await expect(view.getByText('A description is required.')).toBeHidden();

  // Creators are rows: name, affiliation, ORCID (checked).
  const creator = view.getByLabel('Creator 1: name (Family, Given)');
  await expect(creator).toHaveValue('Jane Doe'); // from codemeta.json
  await creator.fill('Doe, Jane');
  await view.getByLabel('Creator 1: affiliation').fill('ESCAPE');
  const orcid = view.getByLabel('Creator 1: ORCID');
  await orcid.fill('123');
  await orcid.press('Tab');
  await expect(view.getByText(/An ORCID looks like/)).toBeVisible();
  await expectAccessibleInBothThemes(
    page,
    '.jp-vre-ZenodoPublish',
    'Zenodo form with errors'
  );
  await orcid.fill('0000-0002-1825-0097');
  await view.getByLabel('Keywords (comma-separated)').fill('muons, vre');
  await page.screenshot({ path: path.join(IMAGES, 'zenodo-form.png') });
  await view.getByRole('button', { name: 'Upload and review' }).click();

  // The review shows everything that will be public, and which file became which name.
  const review = view.locator('.jp-vre-ZenodoReview');
  await expect(review).toBeVisible({ timeout: 60000 });
  for (const text of [
    'Galata muon analysis',
    'software',
    'Muon counts per run, fitted.',
    'Doe, Jane · ESCAPE · ORCID 0000-0002-1825-0097',
    'mit',
    'muons, vre',
    'counts.csv',
    'Zenodo keeps no folders'
  ]) {
    await expect(review).toContainText(text);
  }
  await expect(review.locator('[data-file="code__fit.py"]')).toContainText(
    `from ${tmpPath}/${folder}/code/fit.py`
  );
  const publish = review.getByRole('button', { name: 'Publish' });
  await expect(publish).toBeDisabled();
  await review.getByRole('checkbox').check();
  await expectAccessibleInBothThemes(
    page,
    '.jp-vre-ZenodoPublish',
    'Zenodo review',
    {
      light: path.join(IMAGES, 'zenodo-review.png'),
      dark: path.join(IMAGES, 'zenodo-review-dark.png')
    }
  );
  await publish.click();

  const done = view.locator('.jp-vre-ZenodoDone');
  await expect(done).toBeVisible();
  const doi = done.locator('.jp-vre-Zenodo-doi');
  await expect(doi).toHaveText(/^10\.5072\/zenodo\.\d+$/);
  const doiText = (await doi.textContent()) ?? '';
  await expect(doi).toHaveAttribute('href', `https://doi.org/${doiText}`);
  await expect(done).toContainText('Doe, J.');
  await page.screenshot({ path: path.join(IMAGES, 'zenodo-published.png') });

  // In the panel, under its record; its metadata can still be corrected (same DOI).
  await openZenodo(page);
  const id = doiText.split('.').pop();
  const listed = panel.locator(`[data-deposition="${id}"]`);
  await expect(listed).toContainText('Published');
  await expect(listed.locator('.jp-vre-Zenodo-doi')).toHaveText(doiText);
  await listed.getByRole('button', { name: 'Edit metadata…' }).click();
  const edit = page.locator('.jp-vre-ZenodoPublish').last();
  await expect(edit.getByLabel(/^Title/)).toHaveValue('Galata muon analysis');
  await edit.getByLabel(/^Title/).fill('Galata muon analysis, corrected');
  await edit.getByRole('button', { name: 'Review the changes' }).click();
  await expect(edit.locator('.jp-vre-ZenodoReview')).toContainText(
    'Galata muon analysis, corrected'
  );
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.locator('.jp-vre-ZenodoDone')).toContainText(
    'Saved. The record keeps the DOI'
  );
  await expect(edit.locator('.jp-vre-Zenodo-doi')).toHaveText(doiText);

  // A new version is a draft in the same record's group; discarding asks first.
  await openZenodo(page);
  await listed.getByRole('button', { name: 'New version' }).click();
  await openZenodo(page);
  const group = panel.locator('.jp-vre-ZenodoGroup', {
    has: page.locator(`[data-deposition="${id}"]`)
  });
  await expect(group.locator('[data-deposition]')).toHaveCount(2);
  await expect(group.locator('.jp-vre-ZenodoGroup-title')).toHaveText(
    'Galata muon analysis, corrected'
  );
  await expectAccessibleInBothThemes(
    page,
    '#jp-vre-zenodo-panel',
    'Zenodo depositions',
    {
      light: path.join(IMAGES, 'zenodo-panel.png'),
      dark: path.join(IMAGES, 'zenodo-panel-dark.png')
    }
  );
  const draft = group.locator('[data-deposition]').first();
  await draft.getByRole('button', { name: 'Discard…' }).click();
  const confirm = page.locator('.jp-Dialog');
  await expect(confirm).toContainText('Your workspace files stay');
  await expectAccessible(
    page,
    '.jp-Dialog',
    'Zenodo discard confirmation (light)'
  );
  await confirm.getByRole('button', { name: 'Discard' }).click();
  await expect(group.locator('[data-deposition]')).toHaveCount(1);

  // Record search with filters; a record's files fetched or read from a notebook.
  await panel.getByLabel('Search text').fill('Galata muon');
  await panel.getByLabel('Community').fill('');
  await panel.getByLabel('Type').selectOption('dataset');
  await panel.getByRole('button', { name: 'Search' }).click();
  await expect(panel.getByText(/^\d+ records?$/)).toBeVisible();
  await expect(panel.locator(`[data-record="${id}"]`)).toHaveCount(0);
  await panel.getByLabel('Type').selectOption('software');
  await panel.getByLabel('Access').selectOption('open');
  await panel.getByRole('button', { name: 'Search' }).click();
  const found = panel.locator(`.jp-vre-ZenodoSearch [data-record="${id}"]`);
  await expect(found).toContainText('software · open');
  await found.getByRole('button', { name: /Galata muon analysis/ }).click();
  const file = found.locator('[data-file="counts.csv"]');
  // The search part, scrolled into view: axe checks contrast only on what is on screen.
  await file.scrollIntoViewIfNeeded();
  await expectAccessibleInBothThemes(
    page,
    '#jp-vre-zenodo-panel .jp-vre-ZenodoSearch',
    'Zenodo record search and files'
  );
  await file.getByRole('button', { name: 'Fetch to workspace…' }).click();
  const where = page.locator('.jp-Dialog');
  await where.locator('input').fill(`${tmpPath}/fetched`);
  await where.getByRole('button', { name: 'Ok' }).click();
  await expect
    .poll(() => page.contents.fileExists(`${tmpPath}/fetched/counts.csv`), {
      timeout: 30_000
    })
    .toBe(true);
  expect(
    await page.contents.fileExists(`${tmpPath}/fetched/codemeta.json`)
  ).toBe(false);

  await page.notebook.createNew('read.ipynb');
  await openZenodo(page);
  await file.getByRole('button', { name: 'Insert into notebook' }).click();
  await expect(
    page.locator('.jp-NotebookPanel .jp-Cell .cm-content').last()
  ).toContainText(`Zenodo record ${id}`);
  await expect(
    page.locator('.jp-NotebookPanel .jp-Cell .cm-content').last()
  ).toContainText('urlretrieve(');

  // Leave the server as the other tests expect it: no Zenodo token.
  await openZenodo(page);
  await line.click();
  await panel.getByRole('button', { name: 'Disconnect' }).click();
  await expect(panel.getByLabel('Access token')).toBeVisible();
});
