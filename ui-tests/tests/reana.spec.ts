import { expect, test } from './fixtures';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Against the real server and the dev stack's REANA stand-in (`devstack/devstack
 * up reana`): run the sample workflow from the file browser, see it finish,
 * download its outputs and open them.
 */
const REPO = path.resolve(__dirname, '..', '..');
const SAMPLE = path.join(REPO, 'devstack', 'reana', 'samples', 'helloworld');
const IMAGES = path.join(REPO, 'docs', 'images');

function reanaToken(): string {
  const home = process.env.VRE_DEVSTACK_HOME || path.join(REPO, '.devstack');
  const stack = JSON.parse(
    fs.readFileSync(path.join(home, 'stack.json'), 'utf-8')
  );
  if (!stack.reana) {
    throw new Error('The REANA UI test needs `devstack/devstack up reana`.');
  }
  return stack.reana.token;
}

test('a workflow runs from the file browser, finishes, and its output opens', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(180_000);
  for (const file of ['reana.yaml', 'code/helloworld.py', 'data/names.txt']) {
    await page.contents.uploadFile(
      path.join(SAMPLE, file),
      `${tmpPath}/hello/${file}`
    );
  }

  // The user enters their REANA token once; the panel then knows who they are there.
  await page.sidebar.openTab('jp-vre-reana-panel');
  const panel = page.locator('#jp-vre-reana-panel');
  const row = panel.locator('[data-instance="default"]');
  if (await row.getByLabel('Access token').isVisible()) {
    await row.getByLabel('Access token').fill(reanaToken());
    await row.getByRole('button', { name: 'Connect' }).click();
  }
  await expect(panel.getByText(/REANA 0\.9\.\d+ at .* as /)).toBeVisible();

  // Right-click the folder in the file browser: Run on REANA…
  await page.locator('.jp-SideBar [data-id="filebrowser"]').click();
  await page.filebrowser.openDirectory(tmpPath);
  await page
    .locator('.jp-DirListing-item[data-isdir="true"]', { hasText: 'hello' })
    .click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Run on REANA…' }).click();

  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.getByText('is a valid serial workflow')).toBeVisible();
  const name = `ui-${Date.now().toString(36)}`;
  await dialog.getByLabel('Workflow name').fill(name);
  await dialog.getByLabel('greeting').fill('Bonjour');
  await page.screenshot({ path: path.join(IMAGES, 'reana-run-dialog.png') });
  await dialog.getByRole('button', { name: 'Run' }).click();

  // The panel follows the run until REANA says it finished.
  const workflow = panel.locator(`[data-workflow="${name}.1"]`);
  await expect(workflow.locator('.jp-vre-ReanaBadge')).toHaveText('finished', {
    timeout: 90_000
  });
  await workflow.getByRole('button').click();
  const details = panel.locator('.jp-vre-ReanaDetails');
  await expect(details.locator('[data-step="greet"]')).toBeVisible();
  await details.locator('[data-step="greet"] summary').click();
  await expect(details.getByText('greeted Jane Doe')).toBeVisible();
  await expect(
    details.locator('.jp-vre-ReanaFiles').getByText('results/greetings.txt')
  ).toBeVisible();
  await page.screenshot({ path: path.join(IMAGES, 'reana-panel.png') });

  // Download to… a workspace folder, then open the output there.
  await details.getByRole('button', { name: 'Download to…' }).click();
  const ask = page.locator('.jp-Dialog');
  await ask.locator('input').fill(`${tmpPath}/outputs`);
  await ask.getByRole('button', { name: 'Download' }).click();
  await expect(
    panel.locator('.jp-vre-Task', { hasText: `of ${name}` })
  ).toContainText('Done', { timeout: 60_000 });

  await page.locator('.jp-SideBar [data-id="filebrowser"]').click();
  await page.filebrowser.openDirectory(`${tmpPath}/outputs/results`);
  await page
    .locator('.jp-DirListing-item', { hasText: 'greetings.txt' })
    .dblclick();
  const editor = page.locator('.jp-FileEditor .cm-content');
  await expect(editor).toContainText('Bonjour Jane Doe!');
  await expect(editor).toContainText('Bonjour ESCAPE!');

  // Leave REANA disconnected, as the other tests expect to find it.
  await page.sidebar.openTab('jp-vre-reana-panel');
  await row.getByRole('button', { name: 'Disconnect' }).click();
  await expect(row).toContainText('Not connected');
});

/** Per engine: the sample's files, the option its dialog shows, its graph and a line of a step's log. */
const ENGINES = [
  {
    type: 'cwl',
    files: [
      'workflow/inputs.yaml',
      'workflow/greet-and-count.cwl',
      'workflow/greet.cwl',
      'workflow/count.cwl'
    ],
    option: 'TARGET',
    edges: 1, // greet -> count
    log: '[job greet]',
    screenshot: 'reana-graph.png'
  },
  {
    type: 'snakemake',
    files: ['workflow/inputs.yaml', 'workflow/Snakefile'],
    option: 'report',
    edges: 2, // greet -> count -> all
    log: 'python3 code/helloworld.py',
    screenshot: null
  }
];

for (const engine of ENGINES) {
  test(`a ${engine.type} workflow runs from the file browser and its graph follows it to its outputs`, async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(240_000);
    const sample = path.join(REPO, 'devstack', 'reana', 'samples', engine.type);
    for (const file of [
      'reana.yaml',
      'code/helloworld.py',
      'data/names.txt',
      ...engine.files
    ]) {
      await page.contents.uploadFile(
        path.join(sample, file),
        `${tmpPath}/greet/${file}`
      );
    }
    await page.sidebar.openTab('jp-vre-reana-panel');
    const panel = page.locator('#jp-vre-reana-panel');
    const row = panel.locator('[data-instance="default"]');
    if (await row.getByLabel('Access token').isVisible()) {
      await row.getByLabel('Access token').fill(reanaToken());
      await row.getByRole('button', { name: 'Connect' }).click();
    }
    await expect(panel.getByText(/REANA 0\.9\.\d+ at .* as /)).toBeVisible();

    await page.locator('.jp-SideBar [data-id="filebrowser"]').click();
    await page.filebrowser.openDirectory(tmpPath);
    await page
      .locator('.jp-DirListing-item[data-isdir="true"]', { hasText: 'greet' })
      .click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Run on REANA…' }).click();

    // The dialog shows the parameters file's parameters and the options the engine takes.
    const dialog = page.locator('.jp-Dialog');
    await expect(
      dialog.getByText(`is a valid ${engine.type} workflow`)
    ).toBeVisible();
    await dialog
      .getByLabel('Workflow name')
      .fill(`ui-${engine.type}-${Date.now().toString(36)}`);
    await dialog.getByLabel('greeting').fill('Salut');
    await dialog.getByText(`Operational options (${engine.type})`).click();
    await expect(dialog.getByLabel(engine.option)).toBeVisible();
    await dialog.getByRole('button', { name: 'Run' }).click();

    // The graph opens in the main area and follows each step to finished.
    const graph = page.locator('.jp-vre-ReanaGraphWidget');
    await expect(graph).toBeVisible({ timeout: 60_000 });
    const greet = graph.locator('.jp-vre-GraphStep[data-step="greet"]');
    const count = graph.locator('.jp-vre-GraphStep[data-step="count"]');
    await expect(graph.locator('.jp-vre-GraphEdge')).toHaveCount(engine.edges);
    await expect(count).toHaveAttribute('data-status', 'finished', {
      timeout: 120_000
    });
    await expect(greet).toHaveAttribute('data-status', 'finished');
    if (engine.screenshot) {
      await page.screenshot({ path: path.join(IMAGES, engine.screenshot) });
    }

    // A click on a step shows its log.
    await greet.click();
    await expect(graph.locator('.jp-vre-GraphStepLog').first()).toContainText(
      engine.log
    );

    // Download the outputs: each opens in its own tab.
    await graph
      .getByRole('button', { name: 'Download and open outputs' })
      .click();
    const tab = page.getByRole('tab', { name: 'greetings.txt' });
    await expect(tab).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('tab', { name: 'count.txt' })).toBeVisible();
    await tab.click();
    const editor = page.locator('.jp-FileEditor:visible .cm-content');
    await expect(editor).toContainText('Salut Jane Doe!');
    await expect(editor).toContainText('Salut ESCAPE!');

    await page.sidebar.openTab('jp-vre-reana-panel');
    await row.getByRole('button', { name: 'Disconnect' }).click();
    await expect(row).toContainText('Not connected');
  });
}
