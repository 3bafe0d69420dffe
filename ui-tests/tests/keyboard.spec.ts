import { expect, IJupyterLabPageFixture, test } from './fixtures';
import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * The Rucio panel with the keyboard only, against the dev stack's real Rucio:
 * open it from the command palette, search, make available, attach. Focus is
 * never lost to the page body, and progress reaches the live region.
 */

const REPO = path.resolve(__dirname, '..', '..');
const REPLICATION_MS = 150_000;

function freshDataset(files = 2): {
  did: string;
  files: Record<string, string>;
} {
  const out = execFileSync(
    path.join(REPO, '.venv', 'bin', 'python'),
    [path.join(REPO, 'ui-tests', 'helpers', 'rucio_dataset.py'), String(files)],
    { encoding: 'utf-8', timeout: 120_000 }
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** A short description of the focused element, for the assertions. */
function focused(page: IJupyterLabPageFixture): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) {
      return 'body';
    }
    return (
      el.getAttribute('aria-label') ??
      el.getAttribute('role') ??
      el.textContent?.trim() ??
      el.tagName
    );
  });
}

/** Press Tab (or Shift+Tab) until `target` has focus; fail after `max` presses. */
async function tabTo(
  page: IJupyterLabPageFixture,
  target: ReturnType<IJupyterLabPageFixture['locator']>,
  backwards = false,
  max = 30
): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate(el => el === document.activeElement)) {
      return;
    }
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(
    `Tab did not reach the target; focus is on ${await focused(page)}`
  );
}

async function expectFocusInPanel(page: IJupyterLabPageFixture) {
  await expect
    .poll(() =>
      page.evaluate(() =>
        Boolean(document.activeElement?.closest('#jp-vre-rucio-panel'))
      )
    )
    .toBe(true);
}

test.describe('The Rucio panel with the keyboard only', () => {
  test.setTimeout(300_000);
  test.use({ viewport: { width: 1280, height: 800 } });

  test('search, make available and attach, without the mouse', async ({
    page
  }) => {
    const dataset = freshDataset(2);
    await page.notebook.createNew('keyboard.ipynb');
    await page.notebook.setCell(0, 'code', 'print(len(events))');

    // The command palette opens the panel with focus in its search field.
    await page.keyboard.press('Control+Shift+C');
    await page.keyboard.type('Open the Rucio panel');
    await page.keyboard.press('Enter');
    const panel = page.locator('#jp-vre-rucio-panel');
    const searchField = panel.getByLabel('DID to search, as scope:name');
    await expect(searchField).toBeFocused();

    // The instance: header line → details → picker, all by keyboard.
    const line = panel.locator('.jp-vre-ConnectionLine');
    await tabTo(page, line, true);
    await page.keyboard.press('Enter');
    const picker = panel.locator('.jp-vre-RucioView-instance select');
    await tabTo(page, picker);
    await page.keyboard.type('Dev stack');
    await expect(picker).toHaveValue('devstack');
    await expect(line).toContainText('Dev stack Rucio');
    await tabTo(page, line, true);
    await page.keyboard.press('Enter'); // fold the details again

    // Search: type, Enter; the results list takes the arrows.
    await tabTo(page, searchField);
    await page.keyboard.type(dataset.did);
    await page.keyboard.press('Enter');
    const list = panel.getByRole('listbox', { name: 'DIDs found' });
    const row = panel.locator(`.jp-vre-DID[data-did="${dataset.did}"]`);
    await expect(row.locator('.jp-vre-DID-state')).toHaveText('Not available');
    await tabTo(page, list);
    await page.keyboard.press('ArrowDown');
    await expect(row).toHaveClass(/jp-mod-selected/);
    await expect(panel.locator('.jp-vre-DIDDetails-name')).toHaveText(
      dataset.did
    );

    // Shift+F10 opens the context menu on the selection; Escape gives focus back.
    await page.keyboard.press('Shift+F10');
    const menu = page.locator('.lm-Menu');
    await expect(
      menu.getByText('Make available', { exact: true })
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);

    // Make available, from the action bar; focus stays in the panel.
    await tabTo(page, list);
    const makeAvailable = panel.getByRole('button', { name: 'Make available' });
    await tabTo(page, makeAvailable);
    await page.keyboard.press('Enter');
    await expectFocusInPanel(page);
    await expect(row.locator('.jp-vre-DID-state')).toHaveText('Available', {
      timeout: REPLICATION_MS
    });
    await expect(makeAvailable).toBeDisabled();
    await expectFocusInPanel(page);
    // Progress and the outcome went to the live region.
    await expect(page.locator('#jp-vre-live-region')).toHaveAttribute(
      'aria-live',
      'polite'
    );

    // Attach as `events`: the dialog says what the variable holds.
    await tabTo(page, list);
    const attach = panel.getByRole('button', { name: 'Attach…' });
    await tabTo(page, attach);
    await page.keyboard.press('Enter');
    const dialog = page.locator('.jp-Dialog');
    const variable = dialog.getByLabel('Variable name');
    await expect(variable).toBeFocused();
    await expect(dialog).toContainText(
      'a list of local paths (2 paths), sorted'
    );
    await page.keyboard.press('Control+A');
    await page.keyboard.type('events');
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expectFocusInPanel(page);

    const attachment = panel.locator(
      '.jp-vre-Attachment[data-variable="events"]'
    );
    await expect(attachment).toContainText(dataset.did);
    await expect(attachment.locator('.jp-vre-Attachment-state')).toHaveText(
      'Injected (2 files)'
    );
    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.[0].trim()).toBe('2');
  });

  test('each panel opened by command has focus inside it, not in the editor', async ({
    page
  }) => {
    await page.notebook.createNew('focus.ipynb');
    for (const service of ['rucio', 'reana', 'zenodo']) {
      await page.evaluate(async id => {
        await window.jupyterapp.commands.execute(id);
      }, `jupyterlab-vre:open-${service}-panel`);
      await expect
        .poll(() =>
          page.evaluate(
            id => Boolean(document.activeElement?.closest(`#${id}`)),
            `jp-vre-${service}-panel`
          )
        )
        .toBe(true);
    }
  });
});
