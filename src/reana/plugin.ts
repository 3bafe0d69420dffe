import { LabIcon } from '@jupyterlab/ui-components';

import { sidebarPanelPlugin } from '../common/panel';
import svgstr from '../../style/icons/reana.svg';

export const reanaIcon = new LabIcon({ name: 'jupyterlab-vre:reana', svgstr });

export const reanaPlugin = sidebarPanelPlugin({
  service: 'reana',
  icon: reanaIcon,
  description: 'Run reproducible workflows on REANA.',
  title: trans => trans.__('REANA'),
  caption: trans => trans.__('Run reproducible workflows on REANA')
});
