import { INotebookModel } from '@jupyterlab/notebook';

/** Where the lifecycle stopped, kept in `metadata.vre.lifecycle` so a reload or failed run resumes. */
export type LifecycleStep =
  'running' | 'finished' | 'failed' | 'draft' | 'published';

export interface ILifecycleInput {
  variable: string;
  did: string;
  instance: string;
}

export interface ILifecycleState {
  step: LifecycleStep;
  mode: 'mounted' | 'rucio';
  folder: string;
  spec_path: string;
  inputs: ILifecycleInput[];
  workflow_id?: string;
  workflow_name?: string;
  published_folder?: string;
  deposition_id?: number;
  reserved_doi?: string;
  doi?: string;
}

const KEY = 'vre';

export function readState(model: INotebookModel): ILifecycleState | null {
  const vre = (model.getMetadata(KEY) ?? {}) as Record<string, unknown>;
  return (vre.lifecycle as ILifecycleState | undefined) ?? null;
}

/** Keep the state; a published DOI is also added to `metadata.vre.produced_dois`. */
export function writeState(
  model: INotebookModel,
  state: ILifecycleState
): void {
  const vre = {
    ...((model.getMetadata(KEY) ?? {}) as Record<string, unknown>)
  };
  vre.lifecycle = { ...state };
  if (state.doi) {
    const dois = new Set((vre.produced_dois as string[] | undefined) ?? []);
    dois.add(state.doi);
    vre.produced_dois = [...dois];
  }
  model.setMetadata(KEY, vre);
}

/** A sentence for the toolbar: where the lifecycle stands. */
export function describe(state: ILifecycleState | null): string {
  if (!state) {
    return '';
  }
  switch (state.step) {
    case 'running':
      return `REANA run ${state.workflow_name ?? ''} running`;
    case 'finished':
      return `Run ${state.workflow_name ?? ''} finished: publish its outputs`;
    case 'failed':
      return `Run ${state.workflow_name ?? ''} failed: run again`;
    case 'draft':
      return `Zenodo draft ${state.deposition_id ?? ''}: publish to continue`;
    case 'published':
      return `DOI ${state.doi ?? ''}`;
  }
}
