import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { commonPlugin } from './common/plugin';
import { reanaCommandsPlugin } from './reana/commands';
import { reanaPlugin } from './reana/plugin';
import {
  rucioNotebookPlugin,
  rucioPlugin,
  rucioUploadPlugin
} from './rucio/plugin';
import { zenodoCommandsPlugin, zenodoPlugin } from './zenodo/plugin';
import { lifecyclePlugin } from './lifecycle/plugin';

export { AuthModel, IAuthStatus, IServiceConnection } from './common/auth';
export { IVREConnection } from './common/connection';
export { requestAPI, VREAPIError } from './common/request';
export { ITaskInfo, TaskModel } from './common/tasks';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  commonPlugin,
  rucioPlugin,
  rucioNotebookPlugin,
  rucioUploadPlugin,
  reanaPlugin,
  reanaCommandsPlugin,
  zenodoPlugin,
  zenodoCommandsPlugin,
  lifecyclePlugin
];

export default plugins;
