import { ISignal, Signal } from '@lumino/signaling';

import { IVREConnection } from '../common/connection';
import { asAPIError, VREAPIError } from '../common/request';
import { ITaskInfo } from '../common/tasks';
import { DIDNode, flatten, PagedListing, TreeRow } from './listing';
import { IMetadataHolder, readAttachments } from './attachments';
import {
  DIDTypeFilter,
  IAttachment,
  IDIDItem,
  IInstanceInfo,
  IRuleInfo,
  MAX_AVAILABILITY,
  RucioService
} from './service';
import type { NotebookAttachments } from './notebooks';

/** Rows asked per page of search results or of a collection's content. */
export const PAGE_SIZE = 100;

/** A DID's state on the instance's mounted RSE, as far as it is known. */
export interface IDIDState {
  state: 'available' | 'replicating' | 'not_available' | 'unknown' | 'error';
  /** A file's path under the mount, when available. */
  path?: string;
  /** Files (locks) done and in all, for a collection being replicated. */
  done?: number;
  total?: number;
  message?: string;
}

const UNKNOWN: IDIDState = { state: 'unknown' };

/** After a failed availability question, ask again this much later. */
const ERROR_RETRY_MS = 5000;

/** The state of a collection from its rules on the mounted RSE. */
export function collectionState(rules: IRuleInfo[], rse: string): IDIDState {
  const mine = rules.filter(rule => rule.rse_expression === rse);
  if (mine.some(rule => rule.state === 'OK')) {
    return { state: 'available' };
  }
  const active = mine.filter(rule => rule.state !== 'SUSPENDED');
  if (active.length === 0) {
    return { state: 'not_available' };
  }
  const best = active.reduce((a, b) => (b.locks_ok > a.locks_ok ? b : a));
  return {
    state: 'replicating',
    done: best.locks_ok,
    total: best.locks_ok + best.locks_replicating + best.locks_stuck
  };
}

/**
 * The Rucio panel's state: instances, the search results as a tree loaded
 * page by page, each DID's availability, and the tasks started from here.
 */
export class RucioModel {
  constructor(connection: IVREConnection, service?: RucioService) {
    this.connection = connection;
    this.service = service ?? new RucioService(connection.serverSettings);
    connection.tasks.changed.connect(this._onTasks, this);
  }

  readonly connection: IVREConnection;
  readonly service: RucioService;

  /** Emitted when instances, the chosen instance or the results change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted when known DID states or the tasks started from here change. */
  get statesChanged(): ISignal<this, void> {
    return this._statesChanged;
  }

  get instances(): readonly IInstanceInfo[] {
    return this._instances;
  }

  get instance(): IInstanceInfo | null {
    return this._instances.find(i => i.name === this._instanceName) ?? null;
  }

  /** The instance DIDs attach with when none is chosen. */
  get defaultInstance(): string | null {
    return this._defaultInstance;
  }

  get instancesError(): VREAPIError | null {
    return this._instancesError;
  }

  get results(): PagedListing | null {
    return this._results;
  }

  /** The last search: pattern and type. */
  get query(): { pattern: string; type: DIDTypeFilter } {
    return this._query;
  }

  /** The rows to show: results and expanded collections, flattened. */
  get rows(): readonly TreeRow[] {
    if (!this._rows) {
      this._rows = this._results ? flatten(this._results) : [];
    }
    return this._rows;
  }

  /** The open notebooks' attachments; null until the notebook plugin is active. */
  /** A notebook's attached DIDs as the attachments module reads them (rucio-jupyterlab's too). */
  attachmentsOf(metadata: IMetadataHolder): IAttachment[] {
    return readAttachments(metadata, this._defaultInstance);
  }

  get notebooks(): NotebookAttachments | null {
    return this._notebooks;
  }

  setNotebooks(notebooks: NotebookAttachments): void {
    this._notebooks = notebooks;
    this._changed.emit();
  }

  /** Load the instances once; later calls wait for the same answer. */
  ready(): Promise<void> {
    if (!this._ready) {
      this._ready = this.loadInstances();
    }
    return this._ready;
  }

  async loadInstances(): Promise<void> {
    try {
      const answer = await this.service.instances();
      this._instances = answer.instances;
      this._defaultInstance = answer.default_instance;
      this._instancesError = null;
      if (!this.instance) {
        this._instanceName =
          answer.default_instance ?? answer.instances[0]?.name ?? null;
      }
    } catch (error) {
      this._instancesError = asAPIError(error);
    }
    this._changed.emit();
  }

  selectInstance(name: string): void {
    if (name === this._instanceName) {
      return;
    }
    this._instanceName = name;
    this._clear();
    this._changed.emit();
  }

  /** Search `scope:name` (wildcards allowed); resolves once the first page is in. */
  search(pattern: string, type: DIDTypeFilter): Promise<void> {
    const instance = this.instance;
    if (!instance) {
      return Promise.resolve();
    }
    this._clear();
    this._query = { pattern, type };
    this._results = this._listing(
      cursor =>
        this.service.search(instance.name, pattern, type, PAGE_SIZE, cursor),
      0
    );
    this._changed.emit();
    return this._results.loadMore();
  }

  /** Expand or collapse a collection; its first page loads on first expansion. */
  toggle(node: DIDNode): Promise<void> {
    const instance = this.instance;
    if (!node.isCollection || !instance) {
      return Promise.resolve();
    }
    node.expanded = !node.expanded;
    if (node.expanded && !node.children) {
      // In replica mode a page comes with its files' states, asked with the listing itself.
      const replica = instance.mode === 'replica';
      node.children = this._listing(async cursor => {
        const page = await this.service.content(
          instance.name,
          node.did,
          PAGE_SIZE,
          cursor,
          replica
        );
        page.availability?.forEach(file =>
          this._states.set(file.did, {
            state: file.state,
            path: file.path ?? undefined
          })
        );
        return page;
      }, node.depth + 1);
    }
    this._structureChanged();
    return node.expanded ? node.children!.loadMore() : Promise.resolve();
  }

  /** The DID as listed, with size and file count from its details once asked. */
  itemOf(node: DIDNode): IDIDItem {
    return this._items.get(node.did) ?? node.item;
  }

  /** What is known of a DID's availability on the mounted RSE. */
  stateOf(did: string): IDIDState {
    return this._states.get(did) ?? UNKNOWN;
  }

  /**
   * Ask the server about the availability of these DIDs, unless known or
   * being asked: files in calls of at most 100, collections by their rules.
   */
  async ensureStates(nodes: readonly DIDNode[]): Promise<void> {
    const instance = this.instance;
    const rse = instance?.destination_rse;
    if (!instance) {
      return;
    }
    // Listings do not always carry a collection's size and file count: ask its details.
    const sizes = nodes.filter(
      node =>
        node.isCollection &&
        (node.item.length === null || node.item.bytes === null) &&
        !this._items.has(node.did)
    );
    sizes.forEach(node => this._items.set(node.did, node.item));
    const details = sizes.map(node => this._askDetails(instance.name, node));
    if (instance.mode !== 'replica' || !rse) {
      await Promise.all(details);
      return;
    }
    const fresh = nodes.filter(
      node => !this._states.has(node.did) && !this._asking.has(node.did)
    );
    if (fresh.length === 0) {
      return;
    }
    fresh.forEach(node => this._asking.add(node.did));
    const files = fresh.filter(node => !node.isCollection).map(n => n.did);
    const collections = fresh.filter(node => node.isCollection);
    const calls: Promise<void>[] = [];
    for (let i = 0; i < files.length; i += MAX_AVAILABILITY) {
      const batch = files.slice(i, i + MAX_AVAILABILITY);
      calls.push(this._askFiles(instance.name, batch));
    }
    for (const node of collections) {
      calls.push(this._askCollection(instance.name, rse, node.did));
    }
    await Promise.all([...calls, ...details]);
  }

  private async _askDetails(instance: string, node: DIDNode): Promise<void> {
    try {
      const answer = await this.service.details(instance, node.did);
      this._items.set(node.did, { ...node.item, ...answer.did });
      this._statesChanged.emit();
    } catch {
      // The row shows what the listing said.
    }
  }

  /** Forget the known states of these DIDs (and of loaded content), then ask again. */
  async refreshStates(nodes: readonly DIDNode[]): Promise<void> {
    const all: DIDNode[] = [];
    const visit = (node: DIDNode) => {
      all.push(node);
      node.children?.nodes.forEach(visit);
    };
    nodes.forEach(visit);
    all.forEach(node => this._states.delete(node.did));
    this._statesChanged.emit();
    await this.ensureStates(all.filter(node => this._isShown(node)));
  }

  /** Start making a DID available on the mounted RSE; resolves to the started task. */
  async makeAvailable(node: DIDNode): Promise<ITaskInfo> {
    const instance = this._requireInstance();
    const task = await this.service.makeAvailable(instance, [node.did]);
    this._follow(node, task);
    return task;
  }

  /** The DID whose actions the panel shows (commands such as "Verify checksums" work on it). */
  get selected(): DIDNode | null {
    return this._selected;
  }

  /** Set the selected DID; returns how to unset it (a React effect's clean-up). */
  select(node: DIDNode): () => void {
    this._selected = node;
    return () => {
      if (this._selected === node) {
        this._selected = null;
      }
    };
  }

  /**
   * Start reading every byte of a DID's files where notebooks read them,
   * comparing Rucio's adler32: a task with progress in bytes.
   */
  async verifyChecksums(node: DIDNode): Promise<ITaskInfo> {
    const instance = this._requireInstance();
    const task = await this.service.verify(instance, [node.did]);
    this._follow(node, task);
    return task;
  }

  /** Start downloading a DID into the workspace (download mode). */
  async download(node: DIDNode): Promise<ITaskInfo> {
    const instance = this._requireInstance();
    const task = await this.service.download(instance, [node.did]);
    this._follow(node, task);
    return task;
  }

  /** The newest task started from this panel for a DID. */
  taskOf(did: string): ITaskInfo | null {
    const started = this._started.get(did);
    if (!started) {
      return null;
    }
    const tasks = this.connection.tasks.tasks;
    return tasks.find(task => task.id === started.id) ?? started;
  }

  dispose(): void {
    this._clear();
    this.connection.tasks.changed.disconnect(this._onTasks, this);
    Signal.clearData(this);
  }

  private _requireInstance(): string {
    const instance = this.instance;
    if (!instance) {
      throw new VREAPIError(0, 'no_instance', 'Choose a Rucio instance.');
    }
    return instance.name;
  }

  private _follow(node: DIDNode, task: ITaskInfo): void {
    this._started.set(node.did, task);
    this._statesChanged.emit();
    void this.connection.tasks
      .watch(task.id)
      .catch(() => undefined)
      .then(() => this.refreshStates([node]));
  }

  private async _askFiles(instance: string, dids: string[]): Promise<void> {
    try {
      const answer = await this.service.availability(instance, dids);
      for (const file of answer.files) {
        this._states.set(file.did, {
          state: file.state,
          path: file.path ?? undefined
        });
      }
    } catch (error) {
      this._failed(dids, asAPIError(error).message);
    } finally {
      dids.forEach(did => this._asking.delete(did));
      this._statesChanged.emit();
    }
  }

  private async _askCollection(
    instance: string,
    rse: string,
    did: string
  ): Promise<void> {
    try {
      const rules = await this.service.rules(instance, did);
      this._states.set(did, collectionState(rules, rse));
    } catch (error) {
      this._failed([did], asAPIError(error).message);
    } finally {
      this._asking.delete(did);
      this._statesChanged.emit();
    }
  }

  /** Show why the states are unknown, and ask again (when shown) after a while. */
  private _failed(dids: string[], message: string): void {
    const failed: IDIDState = { state: 'error', message };
    dids.forEach(did => this._states.set(did, failed));
    setTimeout(() => {
      let changed = false;
      for (const did of dids) {
        if (this._states.get(did) === failed) {
          this._states.delete(did);
          changed = true;
        }
      }
      if (changed) {
        this._statesChanged.emit(); // the list re-renders and asks for the rows in view
      }
    }, ERROR_RETRY_MS);
  }

  private _isShown(node: DIDNode): boolean {
    return this.rows.some(row => row.kind === 'did' && row.node === node);
  }

  private _listing(
    load: (cursor: string | null) => ReturnType<RucioService['search']>,
    depth: number
  ): PagedListing {
    const listing = new PagedListing(load, depth);
    listing.changed.connect(this._structureChanged, this);
    return listing;
  }

  private _structureChanged(): void {
    this._rows = null;
    this._changed.emit();
  }

  private _clear(): void {
    this._results?.dispose();
    this._results = null;
    this._rows = null;
    this._states.clear();
    this._items.clear();
  }

  private _onTasks(): void {
    if (this._started.size > 0) {
      this._statesChanged.emit(); // rows show the progress of their tasks
    }
  }

  private _asking = new Set<string>();
  private _items = new Map<string, IDIDItem>();
  private _changed = new Signal<this, void>(this);
  private _defaultInstance: string | null = null;
  private _instanceName: string | null = null;
  private _instances: IInstanceInfo[] = [];
  private _instancesError: VREAPIError | null = null;
  private _notebooks: NotebookAttachments | null = null;
  private _ready: Promise<void> | null = null;
  private _query: { pattern: string; type: DIDTypeFilter } = {
    pattern: '',
    type: 'all'
  };
  private _results: PagedListing | null = null;
  private _rows: TreeRow[] | null = null;
  private _states = new Map<string, IDIDState>();
  private _statesChanged = new Signal<this, void>(this);
  private _started = new Map<string, ITaskInfo>();
  private _selected: DIDNode | null = null;
}
