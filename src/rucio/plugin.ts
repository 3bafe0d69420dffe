import { LabIcon } from '@jupyterlab/ui-components';

import { sidebarPanelPlugin } from '../common/panel';
import svgstr from '../../style/icons/rucio.svg';

export const rucioIcon = new LabIcon({ name: 'jupyterlab-vre:rucio', svgstr });

export const rucioPlugin = sidebarPanelPlugin({
  service: 'rucio',
  icon: rucioIcon,
  description:
    'Find data in Rucio and make it available next to your notebooks.',
  title: trans => trans.__('Rucio'),
  caption: trans =>
    trans.__('Find data in Rucio and make it available next to your notebooks')
});
