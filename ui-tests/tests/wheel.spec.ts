import { expect, test } from './fixtures';

/**
 * Smoke test of the wheel as users install it (playwright.wheel.config.js starts a
 * JupyterLab whose jupyterlab-vre is installed from the built wheel, not editable):
 * the three panels load, and a search answers from the dev stack's real Rucio.
 */
test('the installed wheel: panels load and a Rucio search answers', async ({
  page
}) => {
  for (const id of [
    'jp-vre-rucio-panel',
    'jp-vre-reana-panel',
    'jp-vre-zenodo-panel'
  ]) {
    await page.locator(`.jp-SideBar [data-id="${id}"]`).click();
    await expect(page.locator(`#${id}`)).toBeVisible();
  }

  const panel = page.locator('#jp-vre-rucio-panel');
  await page.locator('.jp-SideBar [data-id="jp-vre-rucio-panel"]').click();
  await panel
    .locator('.jp-vre-RucioView-instance select')
    .selectOption('devstack');
  await expect(panel.getByText('Connected.', { exact: true })).toBeVisible();
  // The dev stack's sample container (devstack/rucio/seed.py).
  await panel
    .getByLabel('DID to search, as scope:name')
    .fill('atlas_open:*PHYSLITE');
  await panel.getByLabel('Type of DID').selectOption('container');
  await panel.getByRole('button', { name: 'Search' }).click();
  await expect(
    panel.locator(
      '.jp-vre-DID[data-did="atlas_open:opendata.pp_13TeV.2016.PHYSLITE"]'
    )
  ).toBeVisible();
});
