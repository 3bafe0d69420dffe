import { expect, IJupyterLabPageFixture, test } from './fixtures';
import * as path from 'path';

import { expectAccessible, exposeToAxe, scan, useTheme } from './accessibility';

/**
 * axe-core (WCAG 2.1 A/AA, colour contrast included) on every VRE panel and
 * dialog, in the light and the dark theme, against the dev stack: zero
 * serious or critical violations.
 */

const SAMPLE = path.resolve(
  __dirname,
  '..',
  '..',
  'devstack',
  'reana',
  'samples',
  'helloworld'
);
const DATASET = 'atlas_open:opendata.pp_13TeV.2016.periodA.PHYSLITE';

test.use({ viewport: { width: 1280, height: 800 } });
test.setTimeout(300_000);

async function openPanel(page: IJupyterLabPageFixture, id: string) {
  const panel = page.locator(`#${id}`);
  if (!(await panel.isVisible())) {
    await page.locator(`.jp-SideBar [data-id="${id}"]`).click();
  }
  await expect(panel).toBeVisible();
  // The header line has settled once it says connected or what is wrong.
  await expect(panel.locator('.jp-vre-ConnectionLine-state')).not.toHaveText(
    'checking…'
  );
  return panel;
}

/** The Rucio panel on the dev stack's instance, with results and one selected. */
async function rucioWithResults(page: IJupyterLabPageFixture) {
  const panel = await openPanel(page, 'jp-vre-rucio-panel');
  await panel.locator('.jp-vre-ConnectionLine').click();
  await panel
    .locator('.jp-vre-RucioView-instance select')
    .selectOption('devstack');
  await panel.locator('.jp-vre-ConnectionLine').click();
  await expect(panel.locator('.jp-vre-ConnectionLine')).toContainText(
    'Dev stack Rucio'
  );
  await panel.getByLabel('DID to search, as scope:name').fill('atlas_open:*');
  await panel.getByLabel('DID to search, as scope:name').press('Enter');
  const row = panel.locator(`.jp-vre-DID[data-did="${DATASET}"]`);
  await expect(row.locator('.jp-vre-DID-state')).not.toHaveCount(0);
  await row.click();
  await expect(
    panel.locator('.jp-vre-DIDDetails .jp-vre-MetadataList')
  ).toBeVisible();
  return panel;
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`Accessibility in the ${theme} theme`, () => {
    test.beforeEach(async ({ page }) => {
      await useTheme(page, theme);
      await exposeToAxe(page);
    });

    test('the Rucio panel: results, a selected dataset, its details, my rules', async ({
      page
    }) => {
      const panel = await rucioWithResults(page);
      await panel.getByRole('button', { name: 'My rules and quota' }).click();
      await expect(panel.locator('.jp-vre-Quota')).toBeVisible();
      await expectAccessible(
        page,
        '#jp-vre-rucio-panel',
        `Rucio panel (${theme})`
      );
      await panel.locator('.jp-vre-ConnectionLine').click();
      await expect(panel.locator('.jp-vre-PanelDetails')).toBeVisible();
      await expectAccessible(
        page,
        '#jp-vre-rucio-panel',
        `Rucio panel with sign-in details (${theme})`
      );
    });

    test('the Rucio attach and upload dialogs', async ({ page, tmpPath }) => {
      await page.notebook.createNew(`a11y-${theme}.ipynb`);
      const panel = await rucioWithResults(page);
      await panel.getByRole('button', { name: 'Attach…' }).click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog.getByLabel('Variable name')).toBeVisible();
      await expectAccessible(
        page,
        '.jp-Dialog',
        `Rucio attach dialog (${theme})`
      );
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toHaveCount(0);

      await page.contents.uploadContent('x', 'text', `${tmpPath}/a11y.txt`);
      await page.evaluate(async path => {
        void window.jupyterapp.commands.execute('jupyterlab-vre:rucio-upload', {
          path
        });
      }, `${tmpPath}/a11y.txt`);
      await expect(dialog).toBeVisible();
      await expect(dialog.locator('select').first()).toBeVisible();
      await expectAccessible(
        page,
        '.jp-Dialog',
        `Rucio upload dialog (${theme})`
      );
      await page.keyboard.press('Escape');
    });

    test('the REANA and Zenodo panels, with their sign-in details', async ({
      page
    }) => {
      for (const [id, name] of [
        ['jp-vre-reana-panel', 'REANA'],
        ['jp-vre-zenodo-panel', 'Zenodo']
      ]) {
        const panel = await openPanel(page, id);
        await expectAccessible(page, `#${id}`, `${name} panel (${theme})`);
        await panel.locator('.jp-vre-ConnectionLine').click();
        await expect(panel.locator('.jp-vre-PanelDetails')).toBeVisible();
        await expectAccessible(
          page,
          `#${id}`,
          `${name} panel with sign-in details (${theme})`
        );
      }
    });

    test('the REANA run dialog', async ({ page, tmpPath }) => {
      for (const file of [
        'reana.yaml',
        'code/helloworld.py',
        'data/names.txt'
      ]) {
        await page.contents.uploadFile(
          path.join(SAMPLE, file),
          `${tmpPath}/hello/${file}`
        );
      }
      // Opened, not toggled: a click on the tab of an open sidebar closes it.
      await page.sidebar.openTab('filebrowser');
      await page.filebrowser.openDirectory(tmpPath);
      await page
        .locator('.jp-DirListing-item[data-isdir="true"]', { hasText: 'hello' })
        .click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Run on REANA…' }).click();
      const dialog = page.locator('.jp-Dialog');
      await expect(
        dialog.getByText('is a valid serial workflow')
      ).toBeVisible();
      await expectAccessible(page, '.jp-Dialog', `REANA run dialog (${theme})`);
      await page.keyboard.press('Escape');
    });
  });
}

test('the contrast check is not fooled by .jp-ThemedContainer', async ({
  page
}) => {
  // Without exposeToAxe, axe takes the sidebar for clipped content and checks
  // the contrast of a handful of its elements only: the trap the helper defeats.
  const panel = await rucioWithResults(page);
  await expect(panel).toBeVisible();
  const trapped = await scan(page, '#jp-vre-rucio-panel', 'trapped');
  await exposeToAxe(page);
  const exposed = await scan(page, '#jp-vre-rucio-panel', 'exposed');
  expect(exposed.contrastChecked).toBeGreaterThan(trapped.contrastChecked * 3);
  expect(exposed.contrastChecked).toBeGreaterThanOrEqual(
    Math.ceil(exposed.textElements * 0.6)
  );
});
