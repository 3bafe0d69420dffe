import { Token } from '@lumino/coreutils';

import type { IDeposition, IMetadataForm, ZenodoClient } from './api';

/** Zenodo for other plugins: the client, and the review that publishes a draft. */
export interface IZenodo {
  readonly client: ZenodoClient;
  /** A new record's metadata with the panel's defaults (open access, its licence). */
  newForm(title: string): IMetadataForm;
  /**
   * Open the draft's review (what will be published, the DOI it will get, the
   * explicit "a published record is permanent" confirmation) in the main area.
   */
  review(draft: IDeposition): Promise<void>;
}

export const IZenodo = new Token<IZenodo>(
  'jupyterlab-vre:IZenodo',
  'The Zenodo client and its publish review, shared by the panel and the lifecycle.'
);
