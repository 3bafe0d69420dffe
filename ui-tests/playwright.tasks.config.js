// Real tasks held mid-way, cancelled, killed and resumed in Chromium: cancel.spec.ts,
// resume.spec.ts and tasks.spec.ts against the task lab (task_lab.py), a JupyterLab on the dev
// stack whose backends sit behind fault proxies and which the tests SIGKILL and start again.
const base = require('./playwright.config');
const port = process.env.VRE_UI_TASK_LAB_PORT || '8194';
const control = process.env.VRE_UI_TASK_CONTROL_PORT || '8195';

module.exports = {
  ...base,
  testMatch: ['cancel.spec.ts', 'resume.spec.ts', 'tasks.spec.ts'],
  testIgnore: [],
  timeout: 300000,
  // Its own results folder: a run of the main config clears test-results/ when it starts.
  outputDir: 'test-results-tasks',
  use: { ...base.use, baseURL: `http://localhost:${port}` },
  webServer: {
    command: '../.venv/bin/python task_lab.py',
    url: `http://127.0.0.1:${control}/ready`,
    timeout: 300000,
    reuseExistingServer: false,
    // The lab stops its JupyterLab (a process group of its own) and proxies on SIGTERM.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30000 }
  }
};
