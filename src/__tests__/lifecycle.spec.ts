import { INotebookModel } from '@jupyterlab/notebook';

import { describe as say, readState, writeState } from '../lifecycle/state';

/** Just the metadata part of a notebook model. */
function model(initial: Record<string, unknown> = {}): INotebookModel {
  const metadata: Record<string, unknown> = { ...initial };
  return {
    getMetadata: (key: string) => metadata[key],
    setMetadata: (key: string, value: unknown) => {
      metadata[key] = value;
    }
  } as unknown as INotebookModel;
}

describe('the lifecycle state in the notebook metadata', () => {
  const attachments = [
    { instance: 'vre', did: 'user.jdoe:ds', variable: 'events' }
  ];
  const running = {
    step: 'running' as const,
    mode: 'mounted' as const,
    folder: 'analysis',
    spec_path: 'analysis/reana-vre.yaml',
    inputs: attachments,
    workflow_id: 'abc',
    workflow_name: 'lifecycle.3'
  };

  it('keeps the attachments next to it and says where the lifecycle stands', () => {
    const notebook = model({ vre: { rucio_attachments: attachments } });
    expect(readState(notebook)).toBeNull();
    writeState(notebook, running);
    expect(readState(notebook)).toEqual(running);
    expect(notebook.getMetadata('vre')).toMatchObject({
      rucio_attachments: attachments
    });
    expect(say(readState(notebook))).toBe('REANA run lifecycle.3 running');
  });

  it('records every DOI the notebook produced, once each', () => {
    const notebook = model();
    writeState(notebook, {
      ...running,
      step: 'published',
      doi: '10.5072/zenodo.7'
    });
    writeState(notebook, {
      ...running,
      step: 'published',
      doi: '10.5072/zenodo.7'
    });
    writeState(notebook, {
      ...running,
      step: 'published',
      doi: '10.5072/zenodo.9'
    });
    const vre = notebook.getMetadata('vre') as Record<string, unknown>;
    expect(vre.produced_dois).toEqual(['10.5072/zenodo.7', '10.5072/zenodo.9']);
    expect(say(readState(notebook))).toBe('DOI 10.5072/zenodo.9');
  });
});
