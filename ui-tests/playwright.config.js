// Galata's defaults, with Debian's Chromium (Playwright cannot download its
// own browser here) and a JupyterLab started from jupyter_server_test_config.py.
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');
const port = process.env.VRE_UI_JUPYTER_PORT || '8888';

module.exports = {
  ...baseConfig,
  timeout: 120000,
  // The Galata specs; hub/ (hub/playwright.config.js), wheel.spec.ts
  // (playwright.wheel.config.js) and the task lab's specs (playwright.tasks.config.js)
  // run against servers of their own.
  testDir: './tests',
  testIgnore: [
    'wheel.spec.ts',
    'cancel.spec.ts',
    'resume.spec.ts',
    'tasks.spec.ts'
  ],
  retries: 0,
  workers: 1,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${port}`,
    // Video needs Playwright's own ffmpeg, which cannot be downloaded here; traces do not.
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: require('./chromium')
  },
  webServer: {
    command: 'jlpm start',
    url: `http://localhost:${port}/lab`,
    timeout: 120000,
    reuseExistingServer: !process.env.CI
  }
};
