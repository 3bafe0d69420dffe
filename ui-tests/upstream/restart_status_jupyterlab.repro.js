// Reproduces an upstream JupyterLab bug WITHOUT jupyterlab-vre: after "Restart Kernel"
// the page's kernel status stays at 'starting' (never 'idle') until code runs.
// It then checks that code sent after the restart runs; it does here. (In Galata tests it
// did not: Galata's kernels route answers the restart with 201, a harness bug described in
// docs/dev/testing.md, "Kernel restart".)
//
// Cause: @jupyterlab/services 7.6 ignores iopub status messages whose parent is in the
// server's `untracked_message_types` page option; jupyter_server 2.x lists
// kernel_info_request there. After a restart the new kernel's only parentless status is
// 'starting'; its busy/idle answers to the page's kernel_info_request are dropped.
// With kernel_info_request removed from MappingKernelManager.untracked_message_types the
// same steps end 'idle' (pass `--tracked` to see it).
//
// Run (docs/dev/testing.md): node ui-tests/upstream/restart_status_jupyterlab.repro.js [--tracked]
// It starts its own plain JupyterLab (our server and lab extensions disabled) on
// VRE_UI_UPSTREAM_PORT (default 8196) and exits 1 when the bug shows (or the code does not run).
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('@playwright/test');

const port = process.env.VRE_UI_UPSTREAM_PORT || '8196';
const tracked = process.argv.includes('--tracked');
const venv = path.resolve(__dirname, '..', '..', '.venv', 'bin');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vre-upstream-'));
fs.mkdirSync(path.join(home, 'labconfig'));
fs.writeFileSync(
  path.join(home, 'labconfig', 'page_config.json'),
  JSON.stringify({ disabledExtensions: { 'jupyterlab-vre': true } })
);
const untracked = tracked
  ? 'from jupyter_server.services.kernels.kernelmanager import MappingKernelManager as M\n' +
    'c.MappingKernelManager.untracked_message_types = [t for t in ' +
    'M.class_traits()["untracked_message_types"].default() if t != "kernel_info_request"]\n'
  : '';
fs.writeFileSync(
  path.join(home, 'config.py'),
  'c = get_config()\n' +
    'from jupyterlab.galata import configure_jupyter_server\n' +
    'configure_jupyter_server(c)\n' +
    `c.ServerApp.port = ${port}\n` +
    'c.ServerApp.allow_root = True\n' +
    `c.ServerApp.root_dir = ${JSON.stringify(home)}\n` +
    'c.ServerApp.jpserver_extensions = {n: False for n in ' +
    '("rucio_ext", "reana_ext", "zenodo_ext", "lifecycle_ext")}\n' +
    untracked
);

async function main() {
  const server = spawn(
    path.join(venv, 'jupyter'),
    ['lab', '--config', path.join(home, 'config.py')],
    {
      env: { ...process.env, JUPYTER_CONFIG_DIR: home },
      stdio: 'ignore'
    }
  );
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']
  });
  try {
    const page = await browser.newPage();
    for (let i = 0; ; i++) {
      try {
        await page.goto(`http://localhost:${port}/lab`);
        break;
      } catch (e) {
        if (i > 60) throw e;
        await page.waitForTimeout(2000);
      }
    }
    await page.waitForFunction(() => window.jupyterapp, null, {
      timeout: 120000
    });
    await page.evaluate(() => window.jupyterapp.started);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('notebook:create-new', {
        kernelName: 'python3'
      })
    );
    const status = () =>
      page.evaluate(
        () =>
          window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel
            ?.status
      );
    await page.waitForFunction(
      () =>
        window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel
          ?.status === 'idle',
      null,
      { timeout: 120000 }
    );
    await page.evaluate(() =>
      window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()
    );
    // A plain kernel restart takes a few seconds here; give it far more.
    await page.waitForTimeout(40000);
    const after = await status();
    console.log(
      `kernel status 40 s after restart: ${after} (tracked kernel_info: ${tracked})`
    );
    // Code sent now must run (what the page queued during the restart has been sent).
    const executed = await page.evaluate(async () => {
      const kernel =
        window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const future = kernel.requestExecute({ code: '1 + 1', silent: true });
      const done = await Promise.race([
        future.done.then(() => true),
        new Promise(resolve => setTimeout(() => resolve(false), 20000))
      ]);
      return {
        done,
        queued: (kernel._pendingMessages || []).map(m => m.header.msg_type)
      };
    });
    console.log(
      `code sent after the restart ran: ${executed.done}; ` +
        `still queued: ${JSON.stringify(executed.queued)}`
    );
    process.exitCode = after === 'idle' && executed.done ? 0 : 1;
  } finally {
    await browser.close();
    server.kill();
  }
}
main().catch(e => {
  console.error(e);
  process.exitCode = 2;
});
