import { expect, Locator, Page, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Chromium through the dev stack's real JupyterHub: sign in on the IAM's login
 * page, work in the panels for ten access-token lifetimes, sign in again after
 * the IAM revoked the session, two users side by side. Nothing is routed or faked.
 */
const REPO = path.resolve(__dirname, '..', '..');
const HOME = process.env.VRE_DEVSTACK_HOME || path.resolve(REPO, '.devstack');
const stack = JSON.parse(
  fs.readFileSync(path.join(HOME, 'stack.json'), 'utf8')
);
const LIFETIME_S: number = stack.iam.access_token_lifetime;
const LIFETIMES = 10;
const DATASET = 'user.jdoe:analysis.zmumu.inputs';

async function signIn(page: Page, user: string): Promise<void> {
  await page.goto('/hub/login'); // auto_login: straight to the IAM's page
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(stack.iam.users[user].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function openLab(page: Page, user: string): Promise<void> {
  await signIn(page, user);
  try {
    await page.waitForURL(`**/user/${user}/lab**`, { timeout: 150000 });
  } catch {
    // JupyterHub's spawn page follows the spawn through an event stream, which a loaded machine
    // can close before "ready"; the server is up then, and the user opens it as they would.
    await page.goto(`/user/${user}/lab`);
    await page.waitForURL(`**/user/${user}/lab**`, { timeout: 120000 });
  }
  await expect(page.locator('#jp-main-dock-panel')).toBeVisible({
    timeout: 120000
  });
}

async function openPanel(page: Page, service: string) {
  const panel = page.locator(`#jp-vre-${service}-panel`);
  if (!(await panel.isVisible())) {
    await page
      .locator(`.jp-SideBar [data-id="jp-vre-${service}-panel"]`)
      .click();
  }
  await expect(panel).toBeVisible();
  return panel;
}

/** The identity in a panel's sign-in details (opened from its header line, then closed). */
async function expectSignedInAs(panel: Locator, user: string) {
  const line = panel.locator('.jp-vre-ConnectionLine');
  await expect(line).toContainText(user);
  await line.click();
  await expect(panel.getByText(`Signed in as ${user}`)).toBeVisible();
  await line.click();
  await expect(line).toHaveAttribute('aria-expanded', 'false');
}

interface IAnswer {
  status: number;
  body: any;
}

/** A `/vre/api/...` call from inside the page, as the panels make it (cookie + XSRF). */
async function api(
  page: Page,
  user: string,
  method: string,
  endpoint: string,
  body?: unknown
): Promise<IAnswer> {
  return page.evaluate(
    async ({ user, method, endpoint, body }) => {
      const xsrf = document.cookie.match(/(?:^|; )_xsrf=([^;]+)/)?.[1] ?? '';
      const response = await fetch(`/user/${user}/vre/api/${endpoint}`, {
        method,
        headers: {
          'Content-Type': 'application/json',
          'X-XSRFToken': decodeURIComponent(xsrf)
        },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    { user, method, endpoint, body }
  );
}

async function waitForTask(page: Page, user: string, id: string) {
  for (;;) {
    const task = await api(page, user, 'GET', `tasks/${id}`);
    expect(task.status).toBe(200);
    if (['succeeded', 'failed', 'cancelled'].includes(task.body.state)) {
      return task.body;
    }
    await page.waitForTimeout(1000);
  }
}

/** Every failing `/vre/api` answer the page saw, for "zero auth errors". */
function recordAuthErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('response', response => {
    if (
      response.url().includes('/vre/api/') &&
      [401, 403].includes(response.status())
    ) {
      errors.push(`${response.status()} ${response.url()}`);
    }
  });
  return errors;
}

/** The REANA sample workflow, in the user's workspace (their home), owned by them. */
function placeWorkflow(user: string): string {
  const home = stack.hub.users[user].home;
  const target = path.join(home, 'hub-helloworld');
  execFileSync('cp', [
    '-r',
    path.join(REPO, 'devstack', 'reana', 'samples', 'helloworld'),
    target
  ]);
  execFileSync('chown', ['-R', `${user}:`, target]);
  return 'hub-helloworld';
}

test.describe.configure({ mode: 'serial' });

test(`jdoe works for ${LIFETIMES} token lifetimes with zero auth errors`, async ({
  page
}) => {
  test.setTimeout((LIFETIMES * LIFETIME_S + 300) * 1000);
  const authErrors = recordAuthErrors(page);
  await openLab(page, 'jdoe');
  const rucio = await openPanel(page, 'rucio');
  await expectSignedInAs(rucio, 'jdoe');

  const workflow = placeWorkflow('jdoe');
  const started = Date.now();
  const until = started + LIFETIMES * LIFETIME_S * 1000;
  let rounds = 0;
  let madeAvailable = false;
  let ranWorkflow = false;
  while (Date.now() < until || !madeAvailable || !ranWorkflow) {
    // search in the Rucio panel, as a user does
    await rucio.getByLabel('DID to search, as scope:name').fill('user.jdoe:*');
    await rucio.getByRole('button', { name: 'Search' }).click();
    await expect(
      rucio.locator(`.jp-vre-DID[data-did="${DATASET}"]`)
    ).toBeVisible();
    // browse, list depositions
    const content = await api(
      page,
      'jdoe',
      'GET',
      `rucio/devstack/dids/content?did=${encodeURIComponent(DATASET)}`
    );
    expect(content.status).toBe(200);
    expect((await api(page, 'jdoe', 'GET', 'zenodo/depositions')).status).toBe(
      200
    );
    if (!madeAvailable) {
      const task = await api(
        page,
        'jdoe',
        'POST',
        'rucio/devstack/make-available',
        {
          dids: [DATASET]
        }
      );
      expect(task.status).toBe(202);
      expect((await waitForTask(page, 'jdoe', task.body.id)).state).toBe(
        'succeeded'
      );
      madeAvailable = true;
    } else if (!ranWorkflow) {
      const run = await api(page, 'jdoe', 'POST', 'reana/run', {
        path: workflow,
        name: `hub-${Date.now()}`
      });
      expect(run.status).toBe(202);
      expect((await waitForTask(page, 'jdoe', run.body.id)).state).toBe(
        'succeeded'
      );
      ranWorkflow = true;
    }
    rounds++;
    await page.waitForTimeout((LIFETIME_S * 1000) / 3);
  }
  const workedSeconds = (Date.now() - started) / 1000;
  console.log(
    `hub browser test: ${rounds} rounds over ${workedSeconds.toFixed(0)} s = ` +
      `${(workedSeconds / LIFETIME_S).toFixed(1)} token lifetimes of ${LIFETIME_S} s`
  );
  expect(workedSeconds).toBeGreaterThanOrEqual(LIFETIMES * LIFETIME_S);
  expect(authErrors).toEqual([]);
  await expect(page.locator('.jp-vre-SigninNotice')).toHaveCount(0);
  await expect(rucio.getByRole('alert')).toHaveCount(0);
});

test('after the IAM revokes the session: "Sign in again", then the same tab works', async ({
  page,
  context
}) => {
  await openLab(page, 'jdoe');
  const rucio = await openPanel(page, 'rucio');
  await expectSignedInAs(rucio, 'jdoe');
  await page.evaluate(() => ((window as any).vreSameTab = true));

  const revoked = execFileSync('curl', [
    '-fsS',
    '-X',
    'POST',
    '-u',
    `admin:${stack.iam.admin_secret}`,
    stack.iam.revoke_user_url.replace('{username}', 'jdoe')
  ]).toString();
  expect(JSON.parse(revoked).revoked_refresh_tokens).toBeGreaterThan(0);

  // keep working until the hub can no longer renew; the notice appears in every panel
  const notice = rucio.locator('.jp-vre-SigninNotice');
  await expect(async () => {
    await api(page, 'jdoe', 'GET', 'rucio/devstack/account');
    await expect(notice).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: (3 * LIFETIME_S + 30) * 1000 });
  await expect(
    notice.getByRole('link', { name: 'Sign in again' })
  ).toHaveAttribute('href', '/hub/login');
  const zenodo = await openPanel(page, 'zenodo');
  const link = zenodo
    .locator('.jp-vre-SigninNotice')
    .getByRole('link', { name: 'Sign in again' });
  await expect(link).toBeVisible();

  // sign in again in the tab the link opens
  const [login] = await Promise.all([
    context.waitForEvent('page'),
    link.click()
  ]);
  await login.getByLabel('Username').fill('jdoe');
  await login.getByLabel('Password').fill(stack.iam.users.jdoe.password);
  await login.getByRole('button', { name: 'Sign in' }).click();
  await login.waitForURL('**/user/jdoe/**', { timeout: 120000 });
  await login.close();

  // the first tab, never reloaded, works again on its own
  await expect(page.locator('.jp-vre-SigninNotice').first()).toBeHidden({
    timeout: 30000
  });
  expect(await page.evaluate(() => (window as any).vreSameTab)).toBe(true);
  const account = await api(page, 'jdoe', 'GET', 'rucio/devstack/account');
  expect(account.status).toBe(200);
  expect(account.body.account).toBe('jdoe');
});

test('jdoe and asmith side by side: own identity, own account, own credentials', async ({
  browser
}) => {
  const jdoe = await (await browser.newContext()).newPage();
  const asmith = await (await browser.newContext()).newPage();
  await openLab(jdoe, 'jdoe');
  await openLab(asmith, 'asmith');
  await expectSignedInAs(await openPanel(jdoe, 'rucio'), 'jdoe');
  await expectSignedInAs(await openPanel(asmith, 'rucio'), 'asmith');
  expect(
    (await api(jdoe, 'jdoe', 'GET', 'rucio/devstack/account')).body.account
  ).toBe('jdoe');
  expect(
    (await api(asmith, 'asmith', 'GET', 'rucio/devstack/account')).body.account
  ).toBe('asmith');
  // asmith cannot reach jdoe's server with asmith's session
  const cross = await asmith.evaluate(async () => {
    const response = await fetch('/user/jdoe/vre/api/auth/status', {
      redirect: 'manual'
    });
    return response.status;
  });
  expect(cross).not.toBe(200);

  const zenodo = (
    await api(jdoe, 'jdoe', 'GET', 'auth/status')
  ).body.services.find((s: any) => s.service === 'zenodo');
  const secret = 'jdoe-browser-zenodo-token-42';
  const stored = await api(
    jdoe,
    'jdoe',
    'PUT',
    `credentials/zenodo/${zenodo.instance}`,
    {
      fields: { token: secret }
    }
  );
  expect(stored.status).toBe(200);
  try {
    const theirs = await api(asmith, 'asmith', 'GET', 'auth/status');
    expect(JSON.stringify(theirs.body)).not.toContain(secret);
    const theirZenodo = theirs.body.services.find(
      (s: any) => s.service === 'zenodo'
    );
    expect(theirZenodo.source).not.toBe('user');
    const mine = await api(jdoe, 'jdoe', 'GET', 'tasks');
    const their = await api(asmith, 'asmith', 'GET', 'tasks');
    const ids = (answer: IAnswer) =>
      new Set(answer.body.tasks.map((t: any) => t.id));
    for (const id of ids(mine)) {
      expect(ids(their).has(id)).toBe(false);
    }
  } finally {
    await api(jdoe, 'jdoe', 'DELETE', `credentials/zenodo/${zenodo.instance}`);
  }
});
