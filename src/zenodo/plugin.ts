import { LabIcon } from '@jupyterlab/ui-components';

import { sidebarPanelPlugin } from '../common/panel';
import svgstr from '../../style/icons/zenodo.svg';

export const zenodoIcon = new LabIcon({
  name: 'jupyterlab-vre:zenodo',
  svgstr
});

export const zenodoPlugin = sidebarPanelPlugin({
  service: 'zenodo',
  icon: zenodoIcon,
  description: 'Publish results to Zenodo with a DOI.',
  title: trans => trans.__('Zenodo'),
  caption: trans => trans.__('Publish results to Zenodo with a DOI')
});
