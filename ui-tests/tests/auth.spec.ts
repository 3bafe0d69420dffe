import { expect, IJupyterLabPageFixture, test } from './fixtures';
import * as path from 'path';

import { FakeVRE } from './fakeVRE';
import { showDetails } from './rucioPanel';

/** Where the screenshots used by the README and the docs are written. */
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

// The fake endpoints must be in place before JupyterLab first asks them.
test.use({ autoGoto: false });

let vre: FakeVRE;

test.beforeEach(() => {
  vre = new FakeVRE();
});

async function openPanel(page: IJupyterLabPageFixture, service: string) {
  await page.locator(`.jp-SideBar [data-id="jp-vre-${service}-panel"]`).click();
  const panel = page.locator(`#jp-vre-${service}-panel`);
  await expect(panel).toBeVisible();
  return panel;
}

test.describe('Sign-in and credentials (routed fake: instances and connection states the dev stack is not configured with)', () => {
  const PANELS = [
    {
      service: 'rucio',
      connections: [
        {
          name: 'cms',
          state: 'Not connected',
          detail: 'Enter your username and password to connect to cms.'
        },
        { name: 'escape', state: 'Connected', detail: 'With your IAM login.' }
      ]
    },
    {
      service: 'reana',
      connections: [
        {
          name: 'REANA',
          state: 'Not connected',
          detail: 'Enter your token to connect to REANA.'
        }
      ]
    },
    {
      service: 'zenodo',
      connections: [
        {
          name: 'Zenodo sandbox',
          state: 'Connected',
          detail: 'With credentials from your hub admin.'
        }
      ]
    }
  ];

  for (const { service, connections } of PANELS) {
    test(`the ${service} panel shows who is signed in and its connections`, async ({
      page
    }) => {
      await vre.install(page);
      await page.goto();
      const panel = await openPanel(page, service);
      // One compact line says who and where; the details open on demand.
      await expect(panel.locator('.jp-vre-ConnectionLine')).toContainText(
        'alice'
      );
      await expect(panel.locator('.jp-vre-ConnectionView')).toHaveCount(0);
      await showDetails(panel);
      const view = panel.locator('.jp-vre-ConnectionView');
      await expect(view.getByText('Signed in as alice')).toBeVisible();
      await expect(
        view.getByText(/IAM token valid until .*renewed automatically/)
      ).toBeVisible();
      await expect(view.locator('.jp-vre-Connection')).toHaveCount(
        connections.length
      );
      for (const { name, state, detail } of connections) {
        const item = view.locator('.jp-vre-Connection', { hasText: name });
        await expect(item.locator('.jp-vre-Connection-state')).toHaveText(
          state
        );
        await expect(item.getByText(detail)).toBeVisible();
      }
      await page.screenshot({ path: path.join(IMAGES, `auth-${service}.png`) });
    });
  }

  test('a REANA token is sent once, never shown, and REANA becomes connected', async ({
    page
  }) => {
    await vre.install(page);
    await page.goto();
    const panel = await openPanel(page, 'reana');
    // Not connected: the header says so, and what to do, with the form.
    await expect(panel.locator('.jp-vre-ConnectionLine-state')).toHaveText(
      'needs attention'
    );
    const problem = panel.locator('.jp-vre-Problem');
    await expect(problem).toContainText('Not connected to REANA');
    const token = problem.getByLabel('Access token');
    await expect(token).toHaveAttribute('type', 'password');
    await token.fill('reana-token-0123');
    await page.screenshot({ path: path.join(IMAGES, 'auth-reana-token.png') });
    await problem.getByRole('button', { name: 'Connect' }).click();
    await expect(problem).toHaveCount(0);
    await expect(panel.locator('.jp-vre-ConnectionLine-state')).toHaveText(
      'connected'
    );

    await showDetails(panel);
    const item = panel.locator('.jp-vre-Connection', { hasText: 'REANA' });
    await expect(item.locator('.jp-vre-Connection-state')).toHaveText(
      'Connected'
    );
    await expect(
      item.getByText('With the credentials you entered.')
    ).toBeVisible();
    await expect(panel.getByLabel('Access token')).toHaveCount(0);
    expect(vre.sent).toEqual([
      {
        method: 'PUT',
        path: 'credentials/reana/default',
        body: { fields: { token: 'reana-token-0123' } }
      }
    ]);
    expect(await page.content()).not.toContain('reana-token-0123');
    await page.screenshot({
      path: path.join(IMAGES, 'auth-reana-connected.png')
    });

    await panel.getByRole('button', { name: 'Disconnect' }).click();
    await expect(item.locator('.jp-vre-Connection-state')).toHaveText(
      'Not connected'
    );
    expect(vre.sent.map(r => r.method)).toEqual(['PUT', 'DELETE']);
  });
});
