import { expect, test } from './fixtures';
import { didRow, searchRucio } from './rucioPanel';

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

  // The dev stack's sample container (devstack/rucio/seed.py).
  const panel = await searchRucio(page, 'atlas_open:*PHYSLITE', 'container');
  await expect(
    didRow(panel, 'atlas_open:opendata.pp_13TeV.2016.PHYSLITE')
  ).toBeVisible();
});
