// The hub's browser tests: plain Playwright (Galata's fixtures expect a lone JupyterLab),
// Debian's Chromium, against the dev stack's JupyterHub (`devstack/devstack up hub`),
// whose URL and IAM users are read from the stack description (stack.json).
const fs = require('fs');
const path = require('path');

const home =
  process.env.VRE_DEVSTACK_HOME ||
  path.resolve(__dirname, '..', '..', '.devstack');
const stack = JSON.parse(
  fs.readFileSync(path.join(home, 'stack.json'), 'utf8')
);

module.exports = {
  testDir: __dirname,
  testMatch: '*.spec.ts',
  timeout: 600000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: stack.hub.url,
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: require('../chromium')
  }
};
