import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { commonPlugin } from './common/plugin';
import { reanaCommandsPlugin } from './reana/commands';
import { reanaEditorPlugin } from './reana/editor/plugin';
import { reanaModelPlugin, reanaPlugin } from './reana/plugin';
import {
  rucioModelPlugin,
  rucioNotebookPlugin,
  rucioPlugin,
  rucioUploadPlugin
} from './rucio/plugin';
import {
  zenodoCommandsPlugin,
  zenodoModelPlugin,
  zenodoPlugin
} from './zenodo/plugin';
import { lifecyclePlugin } from './lifecycle/plugin';

export { AuthModel, IAuthStatus, IServiceConnection } from './common/auth';
export { IVREConnection } from './common/connection';
export { requestAPI, VREAPIError } from './common/request';
export { ITaskInfo, TaskModel } from './common/tasks';
export { IRucioModel } from './rucio/tokens';
export { IReanaWorkflows } from './reana/tokens';
export { IZenodo } from './zenodo/tokens';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  commonPlugin,
  rucioModelPlugin,
  rucioPlugin,
  rucioNotebookPlugin,
  rucioUploadPlugin,
  reanaModelPlugin,
  reanaPlugin,
  reanaCommandsPlugin,
  reanaEditorPlugin,
  zenodoModelPlugin,
  zenodoPlugin,
  zenodoCommandsPlugin,
  lifecyclePlugin
];

export default plugins;
