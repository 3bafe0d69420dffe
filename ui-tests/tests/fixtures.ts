import { expect, test as galata } from '@jupyterlab/galata';
export type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Galata's `test`, with the browser's storage written down after each test for the
 * credential scan of scripts/test.sh (tests/leakcheck.py): cookies, localStorage and
 * IndexedDB of every origin (Playwright's storageState) and the page's sessionStorage.
 */
export const SCAN_DIR =
  process.env.VRE_UI_SCAN_DIR || path.join(__dirname, '..', '.leak-scan');

export const test = galata.extend<{ storageDump: void }>({
  storageDump: [
    async ({ page, context }, use, testInfo) => {
      await use();
      const dump: Record<string, unknown> = { test: testInfo.titlePath };
      try {
        dump.state = await context.storageState({ indexedDB: true });
        dump.sessionStorage = await page.evaluate(() =>
          Object.fromEntries(Object.entries(window.sessionStorage))
        );
      } catch (error) {
        // A test that closed its page: what could be read is written, and why not the rest.
        dump.unreadable = String(error);
      }
      const folder = path.join(SCAN_DIR, 'storage');
      fs.mkdirSync(folder, { recursive: true });
      const name = testInfo.titlePath.join(' ').replace(/[^A-Za-z0-9]+/g, '-');
      fs.writeFileSync(
        path.join(folder, `${name.slice(0, 150)}.json`),
        JSON.stringify(dump, null, 1)
      );
    },
    { auto: true }
  ]
});

/**
 * `test.use(patientApplication)`: on a loaded machine JupyterLab can take longer than
 * Galata's 15 s to show its Launcher; wait for it up to a minute (a wait, not a retry).
 */
export const patientApplication: Parameters<typeof test.use>[0] = {
  waitForApplication: async ({}, use) => {
    await use(async (page, helpers) => {
      await page
        .locator('#jupyterlab-splash')
        .waitFor({ state: 'detached', timeout: 60_000 });
      await helpers.waitForCondition(
        () => helpers.activity.isTabActive('Launcher'),
        60_000
      );
      await helpers.activity.activateTab('Launcher');
    });
  }
};

export { expect };
