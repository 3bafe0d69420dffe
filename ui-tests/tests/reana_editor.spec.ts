import { expect, test } from './fixtures';
import * as path from 'path';

/**
 * A reana.yaml in JupyterLab's file editor, against the real server: completion from
 * REANA's schema, and the server's check of the unsaved text shown on its line.
 */
const REPO = path.resolve(__dirname, '..', '..');
const SAMPLE = path.join(REPO, 'devstack', 'reana', 'samples', 'helloworld');
const IMAGES = path.join(REPO, 'docs', 'images');

test('a reana.yaml being edited completes keys from the schema and shows a mistake on its line', async ({
  page,
  tmpPath
}) => {
  for (const file of ['reana.yaml', 'code/helloworld.py', 'data/names.txt']) {
    await page.contents.uploadFile(
      path.join(SAMPLE, file),
      `${tmpPath}/hello/${file}`
    );
  }
  await page.evaluate(async file => {
    await window.jupyterapp.commands.execute('docmanager:open', {
      path: file,
      factory: 'Editor'
    });
  }, `${tmpPath}/hello/reana.yaml`);
  const editor = page.locator('.jp-FileEditor:visible');
  const lines = editor.locator('.cm-line');
  await expect(lines.nth(18)).toContainText('environment:');

  // A new key in the first step: typed in part, then taken from the completions.
  await lines.nth(18).click();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('kubernetes_mem');
  const option = page.locator('.cm-tooltip-autocomplete [role="option"]', {
    hasText: 'kubernetes_memory_limit'
  });
  await expect(option).toBeVisible();
  await option.click();
  await expect(lines.nth(19)).toHaveText('        kubernetes_memory_limit: ');

  // A value REANA refuses: the diagnostic sits on that line (20), and says why.
  await page.keyboard.type('lots');
  const mistake = lines.nth(19).locator('.cm-lintRange-error');
  await expect(mistake).toBeVisible({ timeout: 30_000 });
  await expect(editor.locator('.cm-lintRange-error')).toHaveCount(1);
  await mistake.hover();
  const tooltip = page.locator('.cm-tooltip-lint');
  await expect(tooltip).toContainText(
    "Memory limit 'lots' is not a Kubernetes quantity"
  );
  await expect(tooltip).toContainText('line 20');
  await page.screenshot({ path: path.join(IMAGES, 'reana-editor.png') });

  // Corrected while still unsaved: the diagnostic goes.
  await lines.nth(19).click();
  await page.keyboard.press('End');
  for (let i = 0; i < 'lots'.length; i++) {
    await page.keyboard.press('Backspace');
  }
  await page.keyboard.type('256Mi');
  await expect(editor.locator('.cm-lintRange-error')).toHaveCount(0, {
    timeout: 30_000
  });
  await expect(page.locator('.jp-mod-dirty')).toHaveCount(1); // never saved
});
