import { IPoll, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';
import { useEffect } from 'react';

import { asAPIError, VREAPIError } from './request';

/** A poll every `seconds` (0: never) that backs off on failures, up to 5× or 30 s. */
function everySeconds(seconds: number): IPoll.Frequency {
  if (seconds <= 0) {
    return { interval: Poll.NEVER, max: Poll.NEVER, backoff: true };
  }
  const interval = seconds * 1000;
  return { interval, max: Math.max(5 * interval, 30_000), backoff: true };
}

/**
 * Server state kept up to date by a poll that stands by while the page is
 * hidden. Subclasses say how to fetch the state and how to take it in.
 */
export abstract class PolledModel<T> {
  constructor(name: string, seconds: number) {
    this._poll = new Poll<void, unknown, 'standby'>({
      name,
      factory: () => this._load(),
      frequency: everySeconds(seconds),
      standby: 'when-hidden'
    });
  }

  /** Emitted whenever the state or `error` changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Why the last fetch failed; null once one succeeds. */
  get error(): VREAPIError | null {
    return this._error;
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /** Fetch now (unless the page is hidden) and resolve once the answer is in. */
  async refresh(): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    await this._poll.refresh();
    await this._poll.tick.catch(() => undefined); // rejects only on dispose
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    Signal.clearData(this);
  }

  protected abstract fetch(): Promise<T>;

  protected abstract apply(value: T): void;

  /** From the next tick on, poll every `seconds`; 0 leaves only `refresh()`. */
  protected pollEvery(seconds: number): void {
    this._poll.frequency = everySeconds(seconds);
  }

  /** Take in state known without a fetch (e.g. a PUT's answer); fetches under way are then stale. */
  protected update(value: T): void {
    this._latest++;
    this._take(value);
  }

  private async _load(): Promise<void> {
    const request = ++this._latest;
    try {
      const value = await this.fetch();
      if (request === this._latest) {
        this._take(value);
      }
    } catch (error) {
      if (request === this._latest) {
        this._error = asAPIError(error);
        this._changed.emit();
      }
      throw error; // so the poll backs off
    }
  }

  private _take(value: T): void {
    this._error = null;
    this.apply(value);
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _error: VREAPIError | null = null;
  private _latest = 0;
  private _poll: Poll<void, unknown, 'standby'>;
}

/**
 * For a view: call `tick` now and every `seconds` (0: only now) with the same
 * `Poll` as the models, standing by while the page is hidden; stopped on unmount.
 */
export function usePoll(
  name: string,
  tick: () => Promise<unknown>,
  seconds: number
): void {
  useEffect(() => {
    const poll = new Poll<void, unknown, 'standby'>({
      name,
      factory: async () => {
        await tick();
      },
      frequency: everySeconds(seconds),
      standby: 'when-hidden'
    });
    return () => poll.dispose();
  }, [name, tick, seconds]);
}
