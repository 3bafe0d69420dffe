import { Kernel } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { IMetadataHolder, pathsAssignment } from '../rucio/attachments';
import { AttachmentInjector, INotebookHandle } from '../rucio/injector';
import { underRoot } from '../rucio/RucioView';
import {
  IAttachment,
  IInstanceInfo,
  IResolvedAttachment,
  RucioService
} from '../rucio/service';
import { UploadFormView, uploadRequest } from '../rucio/UploadDialog';
import { VirtualList } from '../rucio/VirtualList';

const trans = nullTranslator.load('jupyterlab_vre');

describe('VirtualList', () => {
  const items = Array.from({ length: 100_000 }, (_, i) => `row ${i}`);

  function renderList(active = -1) {
    const rendered: string[][] = [];
    const view = render(
      <VirtualList
        id="list"
        label="DIDs"
        items={items}
        rowHeight={20}
        overscan={5}
        active={active}
        itemKey={item => item}
        renderItem={item => <span>{item}</span>}
        onRendered={shown => rendered.push([...shown])}
      />
    );
    return { view, rendered };
  }

  it('renders only the rows in view of a 100,000-row list', () => {
    const { view, rendered } = renderList();
    const rows = view.container.querySelectorAll('[role="option"]');
    // 400 px (before it is measured) / 20 px + 5 below.
    expect(rows.length).toBe(25);
    expect(rendered[rendered.length - 1][0]).toBe('row 0');
    const inner = view.container.querySelector(
      '.jp-vre-VirtualList-inner'
    ) as HTMLElement;
    expect(inner.style.height).toBe(`${100_000 * 20}px`);
  });

  it('renders the rows scrolled to, absolutely placed', () => {
    const { view } = renderList();
    const outer = view.container.querySelector('[role="listbox"]')!;
    act(() => {
      outer.scrollTop = 20 * 50_000;
      fireEvent.scroll(outer);
    });
    const rows = Array.from(view.container.querySelectorAll('[role="option"]'));
    expect(rows[0].textContent).toBe('row 49995');
    expect((rows[5] as HTMLElement).style.top).toBe(`${50_000 * 20}px`);
    expect(rows.length).toBeLessThan(40);
    expect(screen.queryByText('row 0')).toBeNull();
  });

  it('marks the active row for assistive technology', () => {
    const { view } = renderList(3);
    const tree = view.container.querySelector('[role="listbox"]')!;
    expect(tree.getAttribute('aria-activedescendant')).toBe('list-3');
    expect(
      view.container.querySelector('#list-3')!.getAttribute('aria-selected')
    ).toBe('true');
  });

  it('marks the selected rows, several at once, apart from the active one', () => {
    const view = render(
      <VirtualList
        id="multi"
        label="DIDs"
        items={items}
        rowHeight={20}
        active={1}
        isSelected={(_item, index) => index === 2 || index === 4}
        itemKey={item => item}
        renderItem={item => <span>{item}</span>}
      />
    );
    const list = view.container.querySelector('[role="listbox"]')!;
    expect(list.getAttribute('aria-multiselectable')).toBe('true');
    const selected = (id: string) =>
      view.container.querySelector(`#${id}`)!.getAttribute('aria-selected');
    expect([
      selected('multi-1'),
      selected('multi-2'),
      selected('multi-4')
    ]).toEqual(['false', 'true', 'true']);
  });
});

describe('underRoot', () => {
  it('gives the path under the Jupyter root, or null outside it', () => {
    expect(underRoot('/home/u/data/a.root', '/home/u')).toBe('data/a.root');
    expect(underRoot('/eos/a.root', '/home/u')).toBeNull();
    expect(underRoot('/home/uother/a.root', '/home/u')).toBeNull();
    expect(underRoot('/home/u/../x', '/home/u')).toBeNull();
  });
});

describe('uploadRequest', () => {
  const form = {
    instance: 'vre',
    rse: 'SCRATCH',
    scope: 'user.jdoe',
    dataset: '',
    lifetime: ''
  };
  it('sends only what was given', () => {
    expect(uploadRequest(form, 'out/a.csv')).toEqual({
      request: { path: 'out/a.csv', rse: 'SCRATCH', scope: 'user.jdoe' }
    });
    expect(
      uploadRequest(
        { ...form, dataset: 'user.jdoe:results', lifetime: '7' },
        'out'
      )
    ).toEqual({
      request: {
        path: 'out',
        rse: 'SCRATCH',
        scope: 'user.jdoe',
        dataset: 'user.jdoe:results',
        lifetime_days: 7
      }
    });
  });
  it('explains what is wrong', () => {
    expect(uploadRequest({ ...form, rse: '' }, 'a')).toEqual({
      problem: 'Choose the RSE to upload to.'
    });
    expect(uploadRequest({ ...form, dataset: 'nocolon' }, 'a')).toHaveProperty(
      'problem'
    );
    expect(uploadRequest({ ...form, lifetime: '1.5' }, 'a')).toHaveProperty(
      'problem'
    );
  });
});

/** A kernel that records what it is asked to run. */
class FakeKernel {
  executed: { code: string; silent: boolean; store_history: boolean }[] = [];
  language = 'python';
  get info() {
    return Promise.resolve({ language_info: { name: this.language } });
  }
  requestExecute(content: {
    code: string;
    silent: boolean;
    store_history: boolean;
  }) {
    this.executed.push(content);
    return { done: Promise.resolve({ content: { status: 'ok' } }) };
  }
}

class FakeNotebook implements INotebookHandle {
  data: Record<string, unknown> = {};
  kernelObject: FakeKernel | null = new FakeKernel();
  statusChanged = new Signal<unknown, Kernel.Status>(this);
  kernelChanged = new Signal<unknown, unknown>(this);
  metadataChanged = new Signal<unknown, unknown>(this);
  get metadata(): IMetadataHolder {
    return {
      getMetadata: key => this.data[key],
      setMetadata: (key, value) => {
        this.data[key] = value;
        this.metadataChanged.emit(null);
      },
      deleteMetadata: key => {
        delete this.data[key];
      }
    };
  }
  kernel() {
    return this.kernelObject as unknown as Kernel.IKernelConnection;
  }
}

describe('AttachmentInjector', () => {
  let available: Set<string>;
  let checking: Set<string>;
  let notebook: FakeNotebook;
  let injector: AttachmentInjector;
  const task = {
    id: 't1',
    kind: 'rucio.resolve',
    title: 'Resolve s:big',
    state: 'running',
    progress: { done: 2000, total: 5000, unit: 'files' },
    error: null,
    result: null,
    created_at: '2026-11-30T04:00:00Z',
    updated_at: '2026-11-30T04:00:01Z'
  };
  const service = {
    resolve: async (attachments: IAttachment[]) =>
      attachments.map((a): IResolvedAttachment => {
        const answer = {
          ...a,
          value: null,
          paths_file: null,
          files: null,
          missing: null,
          task: null
        };
        if (checking.delete(a.did)) {
          return { ...answer, task, error: null } as IResolvedAttachment;
        }
        if (a.did === 's:partial') {
          return {
            ...answer,
            files: 3,
            missing: 2,
            error: {
              error: 'not_available',
              message:
                's:partial is not available yet: 2 of 3 files are missing'
            }
          } as IResolvedAttachment;
        }
        if (a.did === 's:one.root') {
          return { ...answer, value: '/mnt/one.root', error: null };
        }
        return available.has(a.did)
          ? {
              ...answer,
              paths_file: `/run/${a.did}.paths`,
              files: 2,
              error: null
            }
          : ({
              ...answer,
              error: {
                error: 'not_available',
                message: `${a.did} is not available`
              }
            } as IResolvedAttachment);
      })
  } as unknown as RucioService;

  async function settled() {
    for (let i = 0; i < 10; i++) {
      await Promise.resolve();
    }
  }

  function until(state: string, variable: string): Promise<void> {
    return new Promise<void>(resolve =>
      injector.changed.connect(() => {
        if (injector.stateOf(variable).state === state) {
          resolve();
        }
      })
    );
  }

  beforeEach(() => {
    available = new Set(['s:ready']);
    checking = new Set();
    notebook = new FakeNotebook();
    injector = new AttachmentInjector({
      notebook,
      service,
      defaultInstance: () => 'vre',
      trans,
      retry: { interval: 20, max: 40 }
    });
  });

  afterEach(() => injector.dispose());

  it('injects a collection silently, without history, as its list of paths read from a file', async () => {
    injector.set({ instance: 'vre', did: 's:ready', variable: 'events' });
    injector.set({ instance: 'vre', did: 's:one.root', variable: 'one' });
    await settled();
    expect(notebook.kernelObject!.executed).toEqual([
      expect.objectContaining({
        code: [
          pathsAssignment(
            'events',
            '/run/s:ready.paths',
            2,
            's:ready',
            'python'
          ),
          'one = "/mnt/one.root"'
        ].join('\n'),
        silent: true,
        store_history: false
      })
    ]);
    expect(injector.stateOf('events')).toEqual({ state: 'injected', files: 2 });
    expect(notebook.data.vre).toEqual({
      rucio_attachments: [
        { instance: 'vre', did: 's:ready', variable: 'events' },
        { instance: 'vre', did: 's:one.root', variable: 'one' }
      ]
    });
  });

  it('injects again after a restart, in R for an R kernel', async () => {
    injector.set({ instance: 'vre', did: 's:ready', variable: 'events' });
    await settled();
    notebook.kernelObject!.language = 'R';
    notebook.statusChanged.emit('restarting');
    expect(injector.stateOf('events').state).toBe('pending');
    notebook.statusChanged.emit('idle');
    await settled();
    expect(notebook.kernelObject!.executed.map(e => e.code)).toEqual([
      pathsAssignment('events', '/run/s:ready.paths', 2, 's:ready', 'python'),
      pathsAssignment('events', '/run/s:ready.paths', 2, 's:ready', 'r')
    ]);
  });

  it('never injects part of a collection: it waits, saying how many files are missing', async () => {
    injector.set({ instance: 'vre', did: 's:ready', variable: 'events' });
    injector.set({ instance: 'vre', did: 's:partial', variable: 'partial' });
    await settled();
    expect(injector.stateOf('partial')).toEqual({
      state: 'waiting',
      files: 3,
      missing: 2,
      message: 's:partial is not available yet: 2 of 3 files are missing'
    });
    const code = notebook.kernelObject!.executed.map(e => e.code).join('\n');
    expect(code).toContain('events');
    expect(code).not.toContain('partial');
  });

  it('reports what is not available, and injects it once it is', async () => {
    injector.set({ instance: 'vre', did: 's:later', variable: 'later' });
    await settled();
    expect(injector.stateOf('later')).toEqual({
      state: 'waiting',
      message: 's:later is not available'
    });
    expect(notebook.kernelObject!.executed).toEqual([]);
    available.add('s:later');
    await until('injected', 'later');
    expect(notebook.kernelObject!.executed.map(e => e.code)).toEqual([
      pathsAssignment('later', '/run/s:later.paths', 2, 's:later', 'python')
    ]);
  });

  it('tries what waits at once when asked (a make-available just succeeded), not at the back-off', async () => {
    injector.dispose();
    injector = new AttachmentInjector({
      notebook,
      service,
      defaultInstance: () => 'vre',
      trans,
      retry: { interval: 3600000, max: 3600000 }
    });
    injector.set({ instance: 'vre', did: 's:later', variable: 'later' });
    await settled();
    expect(injector.stateOf('later').state).toBe('waiting');
    available.add('s:later');
    injector.retryWaiting();
    await settled();
    expect(injector.stateOf('later')).toEqual({ state: 'injected', files: 2 });
  });

  it('shows the progress of a large collection being checked, then injects it', async () => {
    available.add('s:big');
    checking.add('s:big');
    injector.set({ instance: 'vre', did: 's:big', variable: 'big' });
    await settled();
    expect(injector.stateOf('big')).toEqual({
      state: 'resolving',
      message: 'checking its files: 2000 of 5000'
    });
    expect(notebook.kernelObject!.executed).toEqual([]);
    await until('injected', 'big');
    expect(notebook.kernelObject!.executed).toHaveLength(1);
  });

  it('says so for a kernel language it cannot write', async () => {
    notebook.kernelObject!.language = 'scala';
    injector.set({ instance: 'vre', did: 's:ready', variable: 'events' });
    await settled();
    expect(injector.stateOf('events').state).toBe('unsupported');
    expect(notebook.kernelObject!.executed).toEqual([]);
  });

  it('removes an attachment from the metadata', async () => {
    injector.set({ instance: 'vre', did: 's:ready', variable: 'events' });
    injector.remove('events');
    expect(injector.attachments).toEqual([]);
  });
});

describe('UploadFormView', () => {
  it('keeps what the user changed before the RSE and scope lists arrived', async () => {
    let answer: (rses: { rse: string }[]) => void = () => undefined;
    const service = {
      rses: () => new Promise(resolve => (answer = resolve)),
      scopes: () => Promise.resolve(['user.jdoe']),
      account: () => Promise.resolve({ account: 'jdoe' })
    };
    const seen: string[] = [];
    render(
      <UploadFormView
        form={{
          instance: 'dev',
          rse: '',
          scope: '',
          dataset: '',
          lifetime: ''
        }}
        instances={[{ name: 'dev', display_name: 'Dev' } as IInstanceInfo]}
        service={service as unknown as RucioService}
        trans={trans}
        path="data/a.txt"
        onChange={form =>
          seen.push(`${form.rse}|${form.scope}|${form.dataset}`)
        }
      />
    );
    fireEvent.change(document.querySelector('input[name="dataset"]')!, {
      target: { value: 'user.jdoe:mine' }
    });
    await act(async () =>
      answer([{ rse: 'A-DISK' }, { rse: 'B-SCRATCHDISK' }])
    );
    expect(seen[seen.length - 1]).toBe('A-DISK|user.jdoe|user.jdoe:mine');
    fireEvent.change(document.querySelector('select[name="rse"]')!, {
      target: { value: 'B-SCRATCHDISK' }
    });
    expect(seen[seen.length - 1]).toBe(
      'B-SCRATCHDISK|user.jdoe|user.jdoe:mine'
    );
  });
});
