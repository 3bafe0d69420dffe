import {
  expect,
  IJupyterLabPageFixture,
  patientApplication,
  test
} from './fixtures';
import * as fs from 'fs';
import * as path from 'path';

import {
  expectAccessible,
  expectAccessibleInBothThemes,
  exposeToAxe,
  useTheme
} from './accessibility';

test.use(patientApplication);

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

/** Show the REANA panel (clicking its tab while it shows would hide it). */
async function openReana(page: IJupyterLabPageFixture) {
  const panel = page.locator('#jp-vre-reana-panel');
  if (!(await panel.isVisible())) {
    await page.locator('.jp-SideBar [data-id="jp-vre-reana-panel"]').click();
  }
  await expect(panel).toBeVisible();
  return panel;
}

/** The REANA panel connected with the dev stack's token (entered in the problem box when needed). */
async function connectReana(page: IJupyterLabPageFixture) {
  const panel = await openReana(page);
  const line = panel.locator('.jp-vre-ConnectionLine');
  if (await panel.getByLabel('Access token').isVisible()) {
    await panel.getByLabel('Access token').fill(reanaToken());
    await panel.getByRole('button', { name: 'Connect' }).click();
  }
  await expect(line.locator('.jp-vre-ConnectionLine-state')).toHaveText(
    'connected'
  );
  await expect(panel.getByText(/REANA 0\.9\.\d+ at .* as /)).toBeVisible();
  return { panel };
}

/** Leave REANA disconnected, as the other tests expect to find it. */
async function disconnectReana(page: IJupyterLabPageFixture) {
  const panel = await openReana(page);
  await panel.locator('.jp-vre-ConnectionLine').click();
  await panel.getByRole('button', { name: 'Disconnect' }).click();
  await expect(panel.getByLabel('Access token')).toBeVisible();
}

test('a workflow runs from the panel, its log is followed, it finishes, its outputs open and it runs again', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(360_000);
  await exposeToAxe(page);
  for (const file of ['reana.yaml', 'code/helloworld.py', 'data/names.txt']) {
    await page.contents.uploadFile(
      path.join(SAMPLE, file),
      `${tmpPath}/hello/${file}`
    );
  }

  // The user enters their REANA token once; the panel then knows who they are there.
  const { panel } = await connectReana(page);

  // "Run workflow…" is the first thing in the panel: choose the folder, then the run dialog.
  const run = panel.getByRole('button', { name: 'Run workflow…' });
  await expect(run).toBeEnabled();
  await run.click();
  const picker = page.locator('.jp-Dialog');
  await picker.locator('.jp-DirListing-item', { hasText: tmpPath }).dblclick();
  await picker.locator('.jp-DirListing-item', { hasText: 'hello' }).click();
  await picker.getByRole('button', { name: 'Select' }).click();

  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.getByText('is a valid serial workflow')).toBeVisible();
  const name = `ui-${Date.now().toString(36)}`;
  await dialog.getByLabel('Workflow name').fill(name);
  await dialog.getByLabel('greeting').fill('Bonjour');
  // A second per name: long enough to see the log grow while the step runs.
  await dialog.getByLabel('sleeptime').fill('2');
  await page.screenshot({ path: path.join(IMAGES, 'reana-run-dialog.png') });
  await dialog.getByRole('button', { name: 'Run' }).click();

  // Submitted is said apart from finished: the upload's end is not the run's.
  await expect(
    page.locator('.Toastify__toast', {
      hasText: `REANA workflow ${name}.1 submitted`
    })
  ).toBeVisible({ timeout: 60_000 });

  // The run's details replace the list; the running step's log is followed live.
  const details = panel.locator('.jp-vre-ReanaDetails');
  await expect(details.locator('.jp-vre-ReanaDetails-name')).toContainText(
    `${name}.1`
  );
  await expect(panel.getByLabel('Search workflows by name')).toBeHidden();
  const greet = details.locator('[data-step="greet"]');
  await expect(greet.locator('.jp-vre-ReanaBadge')).toHaveText('running', {
    timeout: 60_000
  });
  await expect(greet.getByLabel('Follow the log')).toBeChecked();
  await expect(greet.locator('.jp-vre-ReanaSteps-logs')).toContainText(
    'greeted Jane Doe',
    { timeout: 30_000 }
  );
  await expect(greet.locator('.jp-vre-ReanaBadge')).toHaveText('running');

  await expect(
    details.locator('.jp-vre-ReanaDetails-name .jp-vre-ReanaBadge')
  ).toHaveText('finished', { timeout: 90_000 });
  await expect(
    page.locator('.Toastify__toast', {
      hasText: `REANA workflow ${name}.1 finished.`
    })
  ).toBeVisible();
  await expect(greet.locator('.jp-vre-ReanaStep-duration')).toHaveText(
    /^\d+ s$/
  );

  // The workspace: inputs and outputs apart, as folders.
  const inputs = details.locator('[data-role="input"]');
  const outputs = details.locator('[data-role="output"]');
  await expect(inputs.locator('[data-path="data/names.txt"]')).toBeVisible();
  await expect(
    outputs.locator('[data-path="results/greetings.txt"]')
  ).toBeVisible();
  await expect(outputs.getByText('results/')).toBeVisible();
  await expectAccessibleInBothThemes(
    page,
    '#jp-vre-reana-panel',
    'REANA run details',
    {
      light: path.join(IMAGES, 'reana-panel.png'),
      dark: path.join(IMAGES, 'reana-panel-dark.png')
    }
  );

  // A workspace file opens in JupyterLab.
  await outputs.getByRole('button', { name: 'greetings.txt' }).click();
  const editor = page.locator('.jp-FileEditor .cm-content');
  await expect(editor).toContainText('Bonjour Jane Doe!', { timeout: 30_000 });
  await openReana(page);

  // Download to… a workspace folder, then a link to that folder.
  await details.getByRole('button', { name: 'Download to…' }).click();
  const ask = page.locator('.jp-Dialog');
  await ask.locator('input').fill(`${tmpPath}/outputs`);
  await ask.getByRole('button', { name: 'Download' }).click();
  const link = details.locator('.jp-vre-ReanaDownloaded-link');
  await expect(link).toHaveText(`${tmpPath}/outputs`, { timeout: 60_000 });
  await expect(link).toBeFocused();
  await link.click();
  await expect(
    page.locator('.jp-DirListing-item', { hasText: 'results' })
  ).toBeVisible();
  await openReana(page);

  // Run again with… a changed parameter: a new run of the same name, same inputs.
  await useTheme(page, 'dark');
  await details.getByRole('button', { name: 'Run again with…' }).click();
  const again = page.locator('.jp-Dialog');
  await expect(again.getByLabel('greeting')).toHaveValue('Bonjour');
  await expectAccessible(page, '.jp-Dialog', 'REANA run-again dialog (dark)');
  await useTheme(page, 'light');
  await again.getByLabel('greeting').fill('Hola');
  await again.getByLabel('sleeptime').fill('0');
  await again.getByRole('button', { name: 'Run again' }).click();
  await expect(details.locator('.jp-vre-ReanaDetails-name')).toContainText(
    `${name}.2`,
    { timeout: 60_000 }
  );
  await expect(
    details.locator('.jp-vre-ReanaDetails-name .jp-vre-ReanaBadge')
  ).toHaveText('finished', { timeout: 90_000 });

  // Back to the list: search by name, filter by status, times shown.
  await details.getByRole('button', { name: 'All workflows' }).click();
  const search = panel.getByLabel('Search workflows by name');
  await search.fill(name);
  await search.press('Enter');
  const rows = panel.locator('.jp-vre-ReanaWorkflow');
  await expect(rows).toHaveCount(2);
  await panel.getByLabel('Status').selectOption('finished');
  await expect(rows).toHaveCount(2);
  await panel.getByLabel('Status').selectOption('failed');
  await expect(rows).toHaveCount(0);
  await panel.getByLabel('Status').selectOption('');
  const first = panel.locator(`[data-workflow="${name}.1"]`);
  await expect(first.locator('.jp-vre-ReanaWorkflow-duration')).toHaveText(
    /\d+ s$/
  );
  await expect(first.locator('.jp-vre-ReanaWorkflow-started')).not.toBeEmpty();
  await expectAccessibleInBothThemes(
    page,
    '#jp-vre-reana-panel',
    'REANA run list'
  );

  // Delete is apart from the other actions and asks first.
  await first.getByRole('button').click();
  await details.getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.locator('.jp-Dialog');
  await expect(confirm).toContainText(`Delete ${name}.1?`);
  await expectAccessible(
    page,
    '.jp-Dialog',
    'REANA delete confirmation (light)'
  );
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(details).toBeVisible();
  await details.getByRole('button', { name: 'Delete…' }).click();
  await page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(search).toBeVisible();
  await expect(panel.locator(`[data-workflow="${name}.1"]`)).toHaveCount(0);
  await expect(panel.locator(`[data-workflow="${name}.2"]`)).toHaveCount(1);

  await page.contents.deleteDirectory(`reana-outputs/${name}.1`);

  await disconnectReana(page);
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
    await connectReana(page);

    // Opened, not toggled: a click on the tab of an open sidebar closes it.
    await page.sidebar.openTab('filebrowser');
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

    await disconnectReana(page);
  });
}
