import type { IMetadataHolder } from '../rucio/tokens';

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
  /** The workflow's type in its reana.yaml (serial, cwl, ...), for the crate. */
  engine?: string;
  workflow_id?: string;
  workflow_name?: string;
  published_folder?: string;
  deposition_id?: number;
  reserved_doi?: string;
  doi?: string;
}

const KEY = 'vre';
const STEPS: readonly string[] = [
  'running',
  'finished',
  'failed',
  'draft',
  'published'
];
/** REANA's workflow ids are UUIDs; anything else never reaches a URL. */
const WORKFLOW_ID = /^[A-Za-z0-9-]{1,128}$/;
const DOI = /^10\.\d{4,9}\/\S{1,190}$/;

function isText(value: unknown, max = 4096): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** A workspace path as the notebook keeps it: relative, no `..` (the server confines it again). */
function isWorkspacePath(value: unknown): value is string {
  return (
    isText(value) &&
    !value.startsWith('/') &&
    !value.split('/').includes('..') &&
    !value.includes('\0')
  );
}

function isOptional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

/**
 * The state in a notebook's metadata, if it is well-formed. A notebook is a
 * file anyone may have edited: values that reach a request (ids, paths, DOIs)
 * are checked here, and a malformed state is treated as none.
 */
export function readState(model: IMetadataHolder): ILifecycleState | null {
  const vre = (model.getMetadata(KEY) ?? {}) as Record<string, unknown>;
  const state = vre.lifecycle as Record<string, unknown> | undefined;
  if (!state || typeof state !== 'object') {
    return null;
  }
  const inputs = state.inputs;
  const valid =
    STEPS.includes(state.step as string) &&
    (state.mode === 'mounted' || state.mode === 'rucio') &&
    isWorkspacePath(state.folder) &&
    isWorkspacePath(state.spec_path) &&
    Array.isArray(inputs) &&
    inputs.every(
      i =>
        isText(i?.variable, 64) &&
        isText(i?.did, 1300) &&
        isText(i?.instance, 64)
    ) &&
    isOptional(state.engine, v => isText(v, 32)) &&
    isOptional(state.workflow_id, v => isText(v) && WORKFLOW_ID.test(v)) &&
    isOptional(state.workflow_name, v => isText(v, 200)) &&
    isOptional(state.published_folder, isWorkspacePath) &&
    isOptional(
      state.deposition_id,
      v => Number.isSafeInteger(v) && (v as number) > 0
    ) &&
    isOptional(state.reserved_doi, v => isText(v, 200) && DOI.test(v)) &&
    isOptional(state.doi, v => isText(v, 200) && DOI.test(v));
  return valid ? (state as unknown as ILifecycleState) : null;
}

/** Keep the state; a published DOI is also added to `metadata.vre.produced_dois`. */
export function writeState(
  model: IMetadataHolder,
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
