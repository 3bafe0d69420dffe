import { expect, test } from './fixtures';
import * as path from 'path';

/** Where the screenshots used by the README and the docs are written. */
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

const PANELS = [
  {
    id: 'jp-vre-rucio-panel',
    title: 'Rucio',
    facts: [
      'Configured',
      'escape, cms, devstack',
      '3 Rucio instance(s) configured.'
    ]
  },
  {
    id: 'jp-vre-reana-panel',
    title: 'REANA',
    facts: [
      'Configured',
      `REANA server: http://127.0.0.1:${process.env.VRE_REANA_PORT || '8183'}`
    ]
  },
  {
    id: 'jp-vre-zenodo-panel',
    title: 'Zenodo',
    // The dev stack's Zenodo stand-in (ui-tests/jupyter_server_test_config.py).
    facts: [
      'Configured',
      `http://127.0.0.1:${process.env.VRE_ZENODO_PORT || '8182'}/api`,
      'custom',
      'escape2020'
    ]
  }
];

test.describe('VRE sidebar panels', () => {
  for (const panel of PANELS) {
    test(`the ${panel.title} panel shows its server extension's state`, async ({
      page
    }) => {
      const tab = page.locator(`.jp-SideBar [data-id="${panel.id}"]`);
      await expect(tab).toBeVisible();
      await tab.click();
      const body = page.locator(`#${panel.id}`);
      await expect(body).toBeVisible();
      await expect(body.locator('h2')).toHaveText(panel.title);
      for (const fact of panel.facts) {
        await expect(body.getByText(fact, { exact: true })).toBeVisible();
      }
      await expect(body.getByText(/jupyterlab-vre|_ext \d/)).toBeVisible();
      await page.screenshot({
        path: path.join(IMAGES, `panel-${panel.title.toLowerCase()}.png`)
      });
    });
  }

  test('a failing server part gives a readable error', async ({ page }) => {
    // JupyterLab adds a cache-busting query string to GETs, hence a pattern.
    const reanaStatus = /\/vre\/api\/reana\/status/;
    await page.route(reanaStatus, route =>
      route.fulfill({ status: 404, body: 'Not Found' })
    );
    await page.locator('.jp-SideBar [data-id="jp-vre-reana-panel"]').click();
    const panel = page.locator('#jp-vre-reana-panel');
    await panel.getByText('Refresh').click();
    const alert = panel.locator('[role="alert"]');
    await expect(alert).toContainText('server extension did not answer');
    await expect(alert).toContainText('Ask your hub admin');
    await page.screenshot({ path: path.join(IMAGES, 'panel-error.png') });
    await page.unroute(reanaStatus);
    await panel.getByText('Refresh').click();
    await expect(alert).toHaveCount(0);
    await expect(panel.getByText('Configured', { exact: true })).toBeVisible();
  });

  test('the panels open from the command palette', async ({ page }) => {
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute(
        'jupyterlab-vre:open-zenodo-panel'
      );
    });
    await expect(page.locator('#jp-vre-zenodo-panel')).toBeVisible();
    await page.keyboard.press('Control+Shift+C');
    await page.keyboard.type('Open the Rucio panel');
    await page.keyboard.press('Enter');
    await expect(page.locator('#jp-vre-rucio-panel')).toBeVisible();
  });

  test('the README screenshot: all three panels in the sidebar', async ({
    page
  }) => {
    await page.locator('.jp-SideBar [data-id="jp-vre-rucio-panel"]').click();
    await expect(
      page
        .locator('#jp-vre-rucio-panel')
        .getByText('Configured', { exact: true })
    ).toBeVisible();
    await page.screenshot({ path: path.join(IMAGES, 'panels.png') });
  });
});
