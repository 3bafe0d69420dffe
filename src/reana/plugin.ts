import { LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { sidebarPanelPlugin } from '../common/panel';
import svgstr from '../../style/icons/reana.svg';
import { ReanaView } from './ReanaView';
import { workflowsModel } from './state';

export const reanaIcon = new LabIcon({ name: 'jupyterlab-vre:reana', svgstr });

export const reanaPlugin = sidebarPanelPlugin({
  service: 'reana',
  icon: reanaIcon,
  description: 'Run reproducible workflows on REANA.',
  title: trans => trans.__('REANA'),
  caption: trans => trans.__('Run reproducible workflows on REANA'),
  content: ({ app, connection, trans }) =>
    React.createElement(ReanaView, {
      model: workflowsModel(connection, trans),
      connection,
      trans,
      commands: app.commands
    })
});
