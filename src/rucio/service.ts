import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../common/request';
import { ITaskInfo } from '../common/tasks';
import type { Schema } from '../common/api';

/** One configured Rucio instance, as `GET rucio/instances` lists it. */
export type IInstanceInfo = Schema<'InstanceInfo'>;

export type IInstanceList = Schema<'InstanceList'>;

export type DIDType = Schema<'DIDItem'>['did_type'];

/** What the search and content listings filter on. */
export type DIDTypeFilter =
  'all' | 'container' | 'dataset' | 'file' | 'collection';

export type IDIDItem = Schema<'DIDItem'>;

export type IDIDPage = Schema<'DIDPage'>;

export type AvailabilityState = Schema<'Availability'>['state'];

export type IAvailability = Schema<'Availability'>;

export type IAvailabilityList = Schema<'AvailabilityList'>;

export type IRuleInfo = Schema<'RuleInfo'>;

export type IDIDDetails = Schema<'DIDDetails'>;

export type IRSEInfo = Schema<'RSEInfo'>;

export type IAccount = Schema<'Account'>;

/** A DID attached to a notebook as a kernel variable: only DIDs, never paths. */
export type IAttachment = Schema<'Attachment'>;

export type IResolvedAttachment = Schema<'ResolvedAttachment'>;

/** `POST <instance>/upload`'s body. */
export type IUploadRequest = Schema<'RucioUploadInput'>;

/** Most DIDs one availability call may ask about. */
export const MAX_AVAILABILITY = 100;

export function didOf(item: { scope: string; name: string }): string {
  return `${item.scope}:${item.name}`;
}

function query(params: [string, string][]): string {
  return params
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** The `/vre/api/rucio/...` endpoints, one typed method each. */
export class RucioService {
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  instances(): Promise<IInstanceList> {
    return this._get('instances');
  }

  account(instance: string): Promise<IAccount> {
    return this._get(`${this._at(instance)}/account`);
  }

  async scopes(instance: string): Promise<string[]> {
    const answer = await this._get<{ scopes: string[] }>(
      `${this._at(instance)}/scopes`
    );
    return answer.scopes;
  }

  async rses(instance: string, expression?: string): Promise<IRSEInfo[]> {
    const params: [string, string][] = expression
      ? [['expression', expression]]
      : [];
    const answer = await this._get<{ rses: IRSEInfo[] }>(
      `${this._at(instance)}/rses`,
      params
    );
    return answer.rses;
  }

  search(
    instance: string,
    pattern: string,
    type: DIDTypeFilter,
    limit: number,
    cursor: string | null
  ): Promise<IDIDPage> {
    const params: [string, string][] = [
      ['query', pattern],
      ['type', type],
      ['limit', String(limit)]
    ];
    if (cursor) {
      params.push(['cursor', cursor]);
    }
    return this._get(`${this._at(instance)}/dids/search`, params);
  }

  /** A page of a collection's content; with `availability`, its files' states too (replica mode). */
  content(
    instance: string,
    did: string,
    limit: number,
    cursor: string | null,
    availability = false
  ): Promise<IDIDPage> {
    const params: [string, string][] = [
      ['did', did],
      ['limit', String(limit)]
    ];
    if (availability) {
      params.push(['availability', '1']);
    }
    if (cursor) {
      params.push(['cursor', cursor]);
    }
    return this._get(`${this._at(instance)}/dids/content`, params);
  }

  async rules(instance: string, did: string): Promise<IRuleInfo[]> {
    const answer = await this._get<{ rules: IRuleInfo[] }>(
      `${this._at(instance)}/dids/rules`,
      [['did', did]]
    );
    return answer.rules;
  }

  details(instance: string, did: string): Promise<IDIDDetails> {
    return this._get(`${this._at(instance)}/dids/details`, [['did', did]]);
  }

  /** Each file's state on the mounted RSE; at most `MAX_AVAILABILITY` DIDs. */
  availability(instance: string, dids: string[]): Promise<IAvailabilityList> {
    return this._get(
      `${this._at(instance)}/availability`,
      dids.map(did => ['did', did] as [string, string])
    );
  }

  makeAvailable(instance: string, dids: string[]): Promise<ITaskInfo> {
    return this._post(`${this._at(instance)}/make-available`, { dids });
  }

  /** Read every byte of the DIDs' files where notebooks read them, comparing adler32 (a task). */
  verify(instance: string, dids: string[]): Promise<ITaskInfo> {
    return this._post(`${this._at(instance)}/verify`, { dids });
  }

  download(instance: string, dids: string[]): Promise<ITaskInfo> {
    return this._post(`${this._at(instance)}/download`, { dids });
  }

  upload(instance: string, request: IUploadRequest): Promise<ITaskInfo> {
    return this._post(`${this._at(instance)}/upload`, request);
  }

  async resolve(attachments: IAttachment[]): Promise<IResolvedAttachment[]> {
    const answer = await this._post<{ attachments: IResolvedAttachment[] }>(
      'resolve',
      { attachments }
    );
    return answer.attachments;
  }

  private _at(instance: string): string {
    return encodeURIComponent(instance);
  }

  private _get<T>(path: string, params: [string, string][] = []): Promise<T> {
    const suffix = params.length ? `?${query(params)}` : '';
    return requestAPI<T>(`rucio/${path}${suffix}`, {}, this.serverSettings);
  }

  private _post<T>(path: string, body: unknown): Promise<T> {
    return requestAPI<T>(
      `rucio/${path}`,
      { method: 'POST', body: JSON.stringify(body) },
      this.serverSettings
    );
  }
}
