import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { commonPlugin } from './common/plugin';
import { reanaPlugin } from './reana/plugin';
import { rucioPlugin } from './rucio/plugin';
import { zenodoPlugin } from './zenodo/plugin';

export { IVREConnection } from './common/connection';
export { requestAPI, VREAPIError } from './common/request';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  commonPlugin,
  rucioPlugin,
  reanaPlugin,
  zenodoPlugin
];

export default plugins;
