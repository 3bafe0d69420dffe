import { expect, IJupyterLabPageFixture, test } from './fixtures';
import * as path from 'path';

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

test('a workspace folder is published to Zenodo from the file browser, shows its DOI, gets a new version and is found', async ({
  page,
  tmpPath
}) => {
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

  // Connect with a Zenodo token; the panel checks it with Zenodo at once.
  const panel = await openZenodo(page);
  const row = panel.locator('[data-instance="custom"]');
  await expect(row).toContainText('Not connected');
  await row.getByLabel('Access token').fill(TOKEN);
  await row.getByRole('button', { name: 'Connect' }).click();
  await expect(row).toContainText('Connected');
  await expect(panel.getByText(/Zenodo accepted your token/)).toBeVisible();
  expect(await page.content()).not.toContain(TOKEN);

  // "Publish to Zenodo…" on the folder, in the file browser (the left panel's other tab).
  await page.locator('.jp-SideBar [data-id="filebrowser"]').click();
  await page.filebrowser.refresh();
  const item = page.locator('.jp-DirListing-item[data-isdir="true"]', {
    hasText: folder
  });
  await item.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Publish to Zenodo…' }).click();

  const view = page.locator('.jp-vre-ZenodoPublish');
  await expect(view.getByLabel('Title')).toHaveValue('Galata muon analysis');
  await expect(view.getByText(/Prefilled from .*codemeta.json/)).toBeVisible();
  await expect(view.getByLabel('License')).toHaveValue('mit');
  await view.getByRole('button', { name: 'Upload' }).click();

  const review = view.locator('.jp-vre-ZenodoReview');
  await expect(review).toBeVisible({ timeout: 60000 });
  await expect(review).toContainText('counts.csv');
  await expect(review).toContainText('codemeta.json');
  const publish = review.getByRole('button', { name: 'Publish' });
  await expect(publish).toBeDisabled();
  await review.getByRole('checkbox').check();
  await page.screenshot({ path: path.join(IMAGES, 'zenodo-review.png') });
  await publish.click();

  const done = view.locator('.jp-vre-ZenodoDone');
  await expect(done).toBeVisible();
  const doi = done.locator('.jp-vre-Zenodo-doi');
  await expect(doi).toHaveText(/^10\.5072\/zenodo\.\d+$/);
  const doiText = (await doi.textContent()) ?? '';
  await expect(doi).toHaveAttribute('href', `https://doi.org/${doiText}`);
  await expect(done).toContainText('Doe, J.');
  await page.screenshot({ path: path.join(IMAGES, 'zenodo-published.png') });

  // The panel lists it as published, with the same DOI.
  await openZenodo(page);
  const id = doiText.split('.').pop();
  const listed = panel.locator(`[data-deposition="${id}"]`);
  await expect(listed).toContainText('Published');
  await expect(listed.locator('.jp-vre-Zenodo-doi')).toHaveText(doiText);

  // "New version" on the published record: the same view, on a new draft.
  await listed.getByRole('button', { name: 'New version' }).click();
  const next = page.locator('.jp-vre-ZenodoPublish').last();
  await expect(next.getByLabel('Title')).toHaveValue('Galata muon analysis');
  await next
    .getByLabel('Workspace file or folder')
    .fill(`${tmpPath}/${folder}`);
  await next.getByLabel('Version').fill('2.1.0');
  await next.getByRole('button', { name: 'Upload' }).click();
  await next.locator('.jp-vre-ZenodoReview').getByRole('checkbox').check();
  await next.getByRole('button', { name: 'Publish' }).click();
  const secondDoi = next.locator('.jp-vre-ZenodoDone .jp-vre-Zenodo-doi');
  await expect(secondDoi).toHaveText(/^10\.5072\/zenodo\.\d+$/);
  expect(await secondDoi.textContent()).not.toBe(doiText);
  await expect(next.locator('.jp-vre-ZenodoDone')).toContainText(
    'Version 2.1.0'
  );

  // Both versions are records now; the search finds the latest.
  await openZenodo(page);
  await panel.getByLabel('Search text').fill('Galata muon');
  await panel.getByLabel('In community').fill('');
  await panel.getByRole('button', { name: 'Search' }).click();
  const found = panel.locator('.jp-vre-ZenodoSearch [data-record]').first();
  await expect(found.locator('.jp-vre-Zenodo-doi')).toHaveText(
    (await secondDoi.textContent()) ?? ''
  );

  // Leave the server as the other tests expect it: no Zenodo token.
  await row.getByRole('button', { name: 'Disconnect' }).click();
  await expect(row).toContainText('Not connected');
});
