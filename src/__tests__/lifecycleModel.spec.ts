import { Signal } from '@lumino/signaling';

import { ITaskInfo } from '../common/tasks';
import {
  ICrateInput,
  ILifecycleOptions,
  LifecycleClient,
  LifecycleError,
  LifecycleModel
} from '../lifecycle/model';
import { ILifecycleState, readState } from '../lifecycle/state';
import { readAttachments } from '../rucio/attachments';

type Metadata = Record<string, unknown>;

/** A notebook's metadata and saves, in memory. */
function notebook(initial: Metadata = {}) {
  const data: Metadata = { ...initial };
  return {
    path: 'analysis/lifecycle.ipynb',
    saves: 0,
    metadata: {
      getMetadata: (key: string) => data[key],
      setMetadata: (key: string, value: unknown) => {
        data[key] = value;
      },
      deleteMetadata: (key: string) => {
        delete data[key];
      }
    },
    async save() {
      this.saves++;
    }
  };
}

const DID = 'user.jdoe:ds';
const ours = {
  vre: {
    rucio_attachments: [{ instance: 'vre', did: DID, variable: 'events' }]
  }
};

/** Tasks by id, as the server's task registry answers them. */
const tasks = new Map<string, ITaskInfo>();

function task(result: Record<string, unknown> = {}): ITaskInfo {
  const made = {
    id: `t${tasks.size}`,
    state: 'succeeded',
    result
  } as unknown as ITaskInfo;
  tasks.set(made.id, made);
  return made;
}

/** Every backend the model talks to, recording the order of calls. */
function world(meta: Metadata = ours) {
  const calls: string[] = [];
  const book = notebook(meta);
  const published = new Signal<unknown, { id: number; doi: string }>({});
  const changed = new Signal<unknown, void>({});
  const workflows = new Map<
    string,
    { id: string; name: string; status: string }
  >();
  const deposition = {
    id: 42,
    title: 'Outputs of lifecycle.1',
    reserved_doi: '10.5072/zenodo.42',
    published: false,
    doi: null as string | null,
    metadata: { license: 'cc-by-4.0' }
  };
  let crateCheck: (body: ICrateInput) => void = () => undefined;
  const client = {
    spec: async (body: unknown) => {
      calls.push('spec');
      return {
        source: 'analysis/reana.yaml',
        path: 'analysis/reana-vre.yaml',
        text: 'x',
        parameters: {},
        body
      };
    },
    provenance: async () => {
      calls.push('provenance');
      return {
        related_identifiers: [],
        notes: 'from Rucio',
        software_version: '1'
      };
    },
    crate: async (body: ICrateInput) => {
      calls.push(
        body.write === false
          ? 'check'
          : `crate:${body.doi}:${body.license}:${body.run.engine}`
      );
      crateCheck(body);
      return { path: 'x', files: ['a'], bytes: 1, doi: body.doi };
    }
  } as unknown as LifecycleClient;
  const options: ILifecycleOptions = {
    notebook: book,
    client,
    rucio: {
      instances: [{ name: 'vre', webui_url: 'https://rucio.example' }] as never,
      ready: async () => undefined,
      attachmentsOf: metadata => readAttachments(metadata, 'vre'),
      service: {
        resolve: async attachments => {
          calls.push('resolve');
          return attachments.map(a => ({
            ...a,
            value: '/mnt/ds/f1',
            error: null
          })) as never;
        }
      }
    },
    reana: {
      client: {
        validate: async () => ({
          valid: true,
          workflow_type: 'serial',
          messages: []
        }),
        rucioSetup: async () => {
          calls.push('secret');
          return { secrets: ['BEARER_TOKEN'], note: '', token_expires_at: 1 };
        },
        run: async () => {
          calls.push('run');
          return task({ workflow_id: 'w-1', workflow_name: 'lifecycle.1' });
        },
        workflow: async (id: string) => ({
          id,
          name: 'lifecycle.1',
          status: 'finished',
          started_at: null,
          finished_at: null
        }),
        download: async () => {
          calls.push('download');
          return task();
        },
        ping: async () => ({
          server_url: 'https://reana.example',
          full_name: 'Jane Doe'
        })
      } as never,
      follow: async (id: string) => {
        workflows.set(id, { id, name: 'lifecycle.1', status: 'finished' });
        changed.emit();
      },
      find: ((id: string) => workflows.get(id)) as never,
      changed: changed as never
    },
    zenodo: {
      client: {
        published,
        create: async () => {
          calls.push('create');
          return deposition;
        },
        deposition: async () => deposition,
        upload: async (id: number) => {
          calls.push(`upload:${id}`);
          return task();
        }
      } as never,
      newForm: title => ({ title }) as never,
      review: async draft => {
        calls.push(`review:${draft.id}`);
      }
    },
    watch: async id => tasks.get(id) as ITaskInfo,
    ask: {
      mode: async () => 'mounted',
      confirmRun: async () => true,
      record: async proposed => proposed
    }
  };
  return {
    calls,
    book,
    options,
    published,
    deposition,
    failCheck: (error: Error) => {
      crateCheck = body => {
        if (body.write === false) {
          throw error;
        }
      };
    }
  };
}

const finished: ILifecycleState = {
  step: 'finished',
  mode: 'mounted',
  folder: 'analysis',
  spec_path: 'analysis/reana-vre.yaml',
  engine: 'serial',
  inputs: [{ instance: 'vre', did: DID, variable: 'events' }],
  workflow_id: 'w-1',
  workflow_name: 'lifecycle.1'
};

describe('LifecycleModel', () => {
  it('runs the attached DIDs and follows the run to its end', async () => {
    const w = world();
    const model = new LifecycleModel(w.options);
    await model.run();
    expect(w.calls).toEqual(['resolve', 'spec', 'run']);
    expect(model.state).toMatchObject({
      step: 'finished',
      workflow_id: 'w-1',
      engine: 'serial'
    });
  });

  it('counts rucio-jupyterlab attachments, read through the attachments module', async () => {
    const w = world({
      rucio_attachments: [{ did: DID, variableName: 'events', type: 'dataset' }]
    });
    await new LifecycleModel(w.options).run();
    expect(w.calls).toContain('run');
  });

  it('asks for attachments first when the notebook has none', async () => {
    const w = world({});
    await expect(new LifecycleModel(w.options).run()).rejects.toThrow(
      new LifecycleError(
        'Attach Rucio DIDs to this notebook first (Rucio panel).'
      )
    );
    expect(w.calls).toEqual([]);
  });

  it('publishes in an order that leaves no orphan, and records the draft at once', async () => {
    const w = world({ vre: { lifecycle: finished } });
    const model = new LifecycleModel(w.options);
    let stepAtCrate: string | undefined;
    const crate = w.options.client.crate.bind(w.options.client);
    w.options.client.crate = async body => {
      if (body.write !== false) {
        stepAtCrate = model.state?.step;
      }
      return crate(body);
    };
    await model.publish();
    expect(w.calls).toEqual([
      'download',
      'check',
      'provenance',
      'create',
      'crate:10.5072/zenodo.42:cc-by-4.0:serial',
      'upload:42',
      'review:42'
    ]);
    expect(stepAtCrate).toBe('draft'); // the draft was in the notebook before the crate was written
    expect(model.state).toMatchObject({ step: 'draft', deposition_id: 42 });

    w.published.emit({ id: 42, doi: '10.5072/zenodo.42' });
    await Promise.resolve();
    expect(model.state).toMatchObject({
      step: 'published',
      doi: '10.5072/zenodo.42'
    });
  });

  it('makes no draft when the outputs exceed Zenodo’s limits', async () => {
    const w = world({ vre: { lifecycle: finished } });
    w.failCheck(new Error('Zenodo takes at most 100 files per record'));
    await expect(new LifecycleModel(w.options).publish()).rejects.toThrow(
      'at most 100 files'
    );
    expect(w.calls).not.toContain('create');
  });

  it('continues the same draft on a retry', async () => {
    const draft = {
      ...finished,
      step: 'draft' as const,
      published_folder: 'analysis/published/lifecycle-1',
      deposition_id: 42
    };
    const w = world({ vre: { lifecycle: draft } });
    await new LifecycleModel(w.options).publish();
    expect(w.calls).toEqual([
      'check',
      'crate:10.5072/zenodo.42:cc-by-4.0:serial',
      'upload:42',
      'review:42'
    ]);
  });

  it('ignores a hostile state in the notebook metadata', async () => {
    const w = world({
      vre: { lifecycle: { ...finished, workflow_id: '../../admin' } }
    });
    expect(readState(w.book.metadata)).toBeNull();
    await expect(new LifecycleModel(w.options).publish()).rejects.toThrow(
      LifecycleError
    );
    expect(w.calls).toEqual([]);
  });
});
