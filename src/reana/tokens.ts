import { Token } from '@lumino/coreutils';

import type { WorkflowsModel } from './model';

/** The one REANA workflow model of the page: its client, the list, the runs it follows. */
export type IReanaWorkflows = WorkflowsModel;

export const IReanaWorkflows = new Token<IReanaWorkflows>(
  'jupyterlab-vre:IReanaWorkflows',
  'The REANA workflow model shared by the panel, the Run command and the lifecycle.'
);
