import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

/** Page helpers for the Rucio panel (its header line, search and selection). */

export type Panel = ReturnType<IJupyterLabPageFixture['locator']>;

/** A wider left sidebar, so rows show their columns (and screenshots are readable). */
export async function widenSidebar(page: IJupyterLabPageFixture, to = 520) {
  const handle = page
    .locator('#jp-main-split-panel > .lm-SplitPanel-handle')
    .first();
  const box = await handle.boundingBox();
  if (box && Math.abs(box.x - to) > 20) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(to, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
  }
}

/** Open or close the header's sign-in, connections and configuration details. */
export async function showDetails(panel: Panel, open = true): Promise<void> {
  const line = panel.locator('.jp-vre-ConnectionLine');
  if ((await line.getAttribute('aria-expanded')) !== String(open)) {
    await line.click();
  }
}

/** The Rucio panel on the given instance (default: the dev stack's real Rucio). */
export async function openRucio(
  page: IJupyterLabPageFixture,
  instance = 'devstack',
  width = 520
): Promise<Panel> {
  const panel = page.locator('#jp-vre-rucio-panel');
  if (!(await panel.isVisible())) {
    await page.locator('.jp-SideBar [data-id="jp-vre-rucio-panel"]').click();
  }
  await expect(panel).toBeVisible();
  await widenSidebar(page, width);
  const picker = panel.locator('.jp-vre-RucioView-instance select');
  if (
    (await panel.locator('.jp-vre-RucioView').count()) === 0 ||
    !(await panel.locator('.jp-vre-ConnectionLine').textContent())?.includes(
      instance === 'devstack' ? 'Dev stack Rucio' : instance
    )
  ) {
    await showDetails(panel);
    await picker.selectOption(instance);
    await showDetails(panel, false);
  }
  await expect(panel.locator('.jp-vre-ConnectionLine-state')).toHaveText(
    'connected'
  );
  return panel;
}

/** Search the Rucio panel: pattern, type (value of the type select), metadata filter. */
export async function searchRucio(
  page: IJupyterLabPageFixture,
  pattern: string,
  type = 'collection',
  filter = ''
): Promise<Panel> {
  const panel = await openRucio(page);
  await panel.getByLabel('DID to search, as scope:name').fill(pattern);
  await panel.getByLabel('Type of DID').selectOption(type);
  await panel.getByLabel('Metadata filter').fill(filter);
  await panel.getByRole('button', { name: 'Search' }).click();
  return panel;
}

export function didRow(panel: Panel, did: string) {
  return panel.locator(`.jp-vre-DID[data-did="${did}"]`);
}

/** The bar of actions on the selection. */
export function actionBar(panel: Panel) {
  return panel.getByRole('toolbar', { name: 'Actions on the selected DIDs' });
}
