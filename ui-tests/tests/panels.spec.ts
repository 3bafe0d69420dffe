import { expect, test } from './fixtures';
import * as path from 'path';

import { showDetails } from './rucioPanel';

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
      // The task first: the panel's own view comes right after the one-line header.
      const header = body.locator('.jp-vre-Panel-header');
      await expect(header.locator('.jp-vre-ConnectionLine')).toContainText(
        'jdoe'
      );
      expect((await header.boundingBox())!.height).toBeLessThan(40);
      // The configuration is in the details, on demand.
      await showDetails(body);
      for (const fact of panel.facts) {
        await expect(body.getByText(fact, { exact: true })).toBeVisible();
      }
      await expect(body.getByText(/jupyterlab-vre|_ext \d/)).toBeVisible();
      await page.screenshot({
        path: path.join(IMAGES, `panel-${panel.title.toLowerCase()}.png`)
      });
    });
  }

  test('a failing server part gives a readable error (routed fake: REANA status answers 404)', async ({
    page
  }) => {
    // JupyterLab adds a cache-busting query string to GETs, hence a pattern.
    const reanaStatus = /\/vre\/api\/reana\/status/;
    await page.route(reanaStatus, route =>
      route.fulfill({ status: 404, body: 'Not Found' })
    );
    await page.locator('.jp-SideBar [data-id="jp-vre-reana-panel"]').click();
    const panel = page.locator('#jp-vre-reana-panel');
    await showDetails(panel);
    await panel.getByRole('button', { name: 'Refresh', exact: true }).click();
    await showDetails(panel, false);
    // Broken: said at the top, prominently, with what to do.
    const alert = panel.locator('.jp-vre-Problem');
    await expect(alert).toContainText('server extension did not answer');
    await expect(alert).toContainText('Ask your hub admin');
    await expect(panel.locator('.jp-vre-ConnectionLine-state')).toHaveText(
      'needs attention'
    );
    await page.screenshot({ path: path.join(IMAGES, 'panel-error.png') });
    await page.unroute(reanaStatus);
    await showDetails(panel);
    await panel.getByRole('button', { name: 'Refresh', exact: true }).click();
    // The server part answers again: what is left (if anything) is REANA's own state.
    await expect(
      panel.locator('.jp-vre-Problem', {
        hasText: 'server extension did not answer'
      })
    ).toHaveCount(0);
    await expect(panel.getByText('Configured', { exact: true })).toBeVisible();
  });

  test('the panels open from the command palette', async ({ page }) => {
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute(
        'jupyterlab-vre:open-zenodo-panel'
      );
    });
    await expect(page.locator('#jp-vre-zenodo-panel')).toBeVisible();
    // Back in the main area (focus is in the Zenodo panel's field now), open the palette.
    await page.locator('#jp-main-dock-panel').click();
    await page.keyboard.press('Control+Shift+C');
    await page.keyboard.type('Open the Rucio panel');
    await page.keyboard.press('Enter');
    await expect(page.locator('#jp-vre-rucio-panel')).toBeVisible();
    // Opened by command, the panel has focus on its main field.
    await expect(page.getByLabel('DID to search, as scope:name')).toBeFocused();
  });

  test('the README screenshot: all three panels in the sidebar', async ({
    page
  }) => {
    await page.locator('.jp-SideBar [data-id="jp-vre-rucio-panel"]').click();
    await expect(
      page.locator('#jp-vre-rucio-panel .jp-vre-ConnectionLine-state')
    ).toHaveText('connected');
    await page.screenshot({ path: path.join(IMAGES, 'panels.png') });
    await page.theme.setDarkTheme();
    await page.screenshot({ path: path.join(IMAGES, 'panels-dark.png') });
    await page.theme.setLightTheme();
  });
});
