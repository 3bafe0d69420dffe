import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { IVREConnection } from '../common/connection';
import { sidebarPanelPlugin } from '../common/panel';
import svgstr from '../../style/icons/reana.svg';
import { ReanaClient } from './api';
import { WorkflowsModel } from './model';
import { ReanaView } from './ReanaView';
import { IReanaWorkflows } from './tokens';

export const reanaIcon = new LabIcon({ name: 'jupyterlab-vre:reana', svgstr });

/** Seconds between refreshes of the workflow list while nothing runs. */
const IDLE_SECONDS = 30;

/** The one workflow model, for the panel, the Run command and the lifecycle. */
export const reanaModelPlugin: JupyterFrontEndPlugin<IReanaWorkflows> = {
  id: 'jupyterlab-vre:reana-model',
  description: 'Provides the REANA workflow model.',
  autoStart: true,
  requires: [IVREConnection],
  optional: [ITranslator],
  provides: IReanaWorkflows,
  activate: (
    _: JupyterFrontEnd,
    connection: IVREConnection,
    translator: ITranslator | null
  ) =>
    new WorkflowsModel({
      client: new ReanaClient(connection.serverSettings),
      trans: (translator ?? nullTranslator).load('jupyterlab_vre'),
      idleSeconds: IDLE_SECONDS
    })
};

export const reanaPlugin = sidebarPanelPlugin({
  service: 'reana',
  icon: reanaIcon,
  description: 'Run reproducible workflows on REANA.',
  title: trans => trans.__('REANA'),
  caption: trans => trans.__('Run reproducible workflows on REANA'),
  model: IReanaWorkflows,
  content: ({ connection, trans }, model) =>
    React.createElement(ReanaView, { model, connection, trans })
});
