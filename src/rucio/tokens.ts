import { Token } from '@lumino/coreutils';

import type { RucioModel } from './model';

export type { IMetadataHolder } from './attachments';
export type {
  IAttachment,
  IInstanceInfo,
  IResolvedAttachment
} from './service';

/** The one Rucio model of the page: instances, DIDs and their states, notebook attachments. */
export type IRucioModel = RucioModel;

export const IRucioModel = new Token<IRucioModel>(
  'jupyterlab-vre:IRucioModel',
  'The Rucio model shared by the panel, the notebook attachments and the lifecycle.'
);
