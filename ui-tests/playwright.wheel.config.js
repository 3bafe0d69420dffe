// The wheel as users install it: wheel.spec.ts against a JupyterLab whose jupyterlab-vre
// comes from the built wheel in a venv of its own (wheel_server.sh), on VRE_UI_WHEEL_PORT.
const base = require('./playwright.config');
const port = process.env.VRE_UI_WHEEL_PORT || '8189';

module.exports = {
  ...base,
  testMatch: 'wheel.spec.ts',
  testIgnore: [],
  use: { ...base.use, baseURL: `http://localhost:${port}` },
  webServer: {
    ...base.webServer,
    command: 'bash wheel_server.sh',
    url: `http://localhost:${port}/lab`,
    timeout: 600000, // the wheel build and a venv with JupyterLab come first
    reuseExistingServer: false
  }
};
