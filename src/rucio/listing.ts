import { ISignal, Signal } from '@lumino/signaling';

import { asAPIError, VREAPIError } from '../common/request';
import { didOf, IDIDItem, IDIDPage } from './service';

/** Loads the page after `cursor` (null: the first page). */
export type PageLoader = (cursor: string | null) => Promise<IDIDPage>;

/**
 * A listing read page by page with the server's one-use cursors: items are
 * appended as pages arrive, never read whole.
 */
export class PagedListing {
  constructor(load: PageLoader, depth: number) {
    this._load = load;
    this.depth = depth;
  }

  /** Nesting level of its items in the tree (0 for search results). */
  readonly depth: number;

  get nodes(): readonly DIDNode[] {
    return this._nodes;
  }

  /** True once the last page is in. */
  get complete(): boolean {
    return this._started && this._cursor === null;
  }

  get loading(): boolean {
    return this._pending !== null;
  }

  get error(): VREAPIError | null {
    return this._error;
  }

  /** Emitted when items, loading state or error change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Load the next page; a call while one is loading joins it. */
  loadMore(): Promise<void> {
    if (this.complete) {
      return Promise.resolve();
    }
    if (!this._pending) {
      this._pending = this._next().finally(() => {
        this._pending = null;
        this._changed.emit();
      });
      this._changed.emit();
    }
    return this._pending;
  }

  /** Stop emitting; pages still in flight are dropped. */
  dispose(): void {
    this._disposed = true;
    for (const node of this._nodes) {
      node.children?.dispose();
    }
    Signal.clearData(this);
  }

  private async _next(): Promise<void> {
    try {
      const page = await this._load(this._started ? this._cursor : null);
      if (this._disposed) {
        return;
      }
      this._started = true;
      this._cursor = page.next_cursor;
      this._error = null;
      for (const item of page.items) {
        this._nodes.push(new DIDNode(item, this.depth));
      }
    } catch (error) {
      // Retried with the same cursor; if the server has dropped it, it says so.
      this._error = asAPIError(error);
    }
  }

  private _changed = new Signal<this, void>(this);
  private _cursor: string | null = null;
  private _disposed = false;
  private _error: VREAPIError | null = null;
  private _load: PageLoader;
  private _nodes: DIDNode[] = [];
  private _pending: Promise<void> | null = null;
  private _started = false;
}

/** One DID of a listing; a collection's content is loaded when first opened. */
export class DIDNode {
  constructor(
    readonly item: IDIDItem,
    readonly depth: number
  ) {
    this.did = didOf(item);
  }

  readonly did: string;
  children: PagedListing | null = null;

  get isCollection(): boolean {
    return this.item.did_type !== 'FILE';
  }
}

/** A row of a listing: a DID, or the end of the listing still loading. */
export type TreeRow =
  | { kind: 'did'; node: DIDNode; key: string }
  | { kind: 'more'; listing: PagedListing; key: string };

/** The rows of a listing: its DIDs so far, then a row while more are to come. */
export function flatten(listing: PagedListing): TreeRow[] {
  const rows: TreeRow[] = listing.nodes.map(node => ({
    kind: 'did' as const,
    node,
    key: node.did
  }));
  if (!listing.complete || listing.error) {
    rows.push({ kind: 'more', listing, key: '…more' });
  }
  return rows;
}
