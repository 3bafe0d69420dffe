import { expect, IJupyterLabPageFixture, test } from './fixtures';
import * as path from 'path';

/**
 * Against the real server: the identity comes from a real IAM token (the dev
 * stack's IAM), and entering a credential really stores it server-side.
 */
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

async function openPanel(page: IJupyterLabPageFixture, service: string) {
  await page.locator(`.jp-SideBar [data-id="jp-vre-${service}-panel"]`).click();
  const panel = page.locator(`#jp-vre-${service}-panel`);
  await expect(panel).toBeVisible();
  return panel;
}

test('every panel shows the IAM identity and its service connections', async ({
  page
}) => {
  const rucio = await openPanel(page, 'rucio');
  await expect(rucio.getByText('Signed in as jdoe')).toBeVisible();
  await expect(rucio.getByText('renewed automatically')).toBeVisible();
  const escape = rucio.locator('[data-instance="escape"]');
  await expect(escape).toContainText('Connected');
  await expect(escape).toContainText('IAM');
  const cms = rucio.locator('[data-instance="cms"]');
  await expect(cms).toContainText('Not connected');
  await expect(cms.getByLabel('Username')).toBeVisible();
  await expect(cms.getByLabel('Password')).toHaveAttribute('type', 'password');
  await page.screenshot({ path: path.join(IMAGES, 'signin-rucio.png') });

  const zenodo = await openPanel(page, 'zenodo');
  await expect(zenodo.getByText('Signed in as jdoe')).toBeVisible();
  await expect(zenodo.locator('[data-instance="custom"]')).toContainText(
    'Not connected'
  );
});

test('a REANA token entered in the panel is stored server-side, never shown', async ({
  page
}) => {
  const token = 'ui-test-reana-token-7f3a';
  const reana = await openPanel(page, 'reana');
  const row = reana.locator('[data-instance="default"]');
  await expect(row).toContainText('Not connected');

  const put = page.waitForRequest(
    r =>
      r.method() === 'PUT' &&
      r.url().includes('/vre/api/credentials/reana/default')
  );
  await row.getByLabel('Access token').fill(token);
  await row.getByRole('button', { name: 'Connect' }).click();
  expect(JSON.parse((await put).postData() ?? '{}')).toEqual({
    fields: { token }
  });
  await expect(row).toContainText('Connected');
  expect(await page.content()).not.toContain(token);

  // The server remembers it: a reload still shows REANA connected.
  await page.reload();
  const again = (await openPanel(page, 'reana')).locator(
    '[data-instance="default"]'
  );
  await expect(again).toContainText('Connected');
  await again.getByRole('button', { name: 'Disconnect' }).click();
  await expect(again).toContainText('Not connected');
});
