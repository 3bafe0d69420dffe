import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI } from '../common/request';
import { ITaskInfo } from '../common/tasks';
import type { Schema } from '../common/api';

/** The deposit metadata the form edits (`MetadataForm` on the server). */
export type IMetadataForm = Schema<'MetadataForm'>;

export type ICreator = Schema<'Creator'>;

export type IFileInfo = Schema<'FileInfo'>;

export type IDepositionSummary = Schema<'DepositionSummary'>;

export type IDeposition = Schema<'Deposition'>;

export type IDepositionPage = Schema<'DepositionPage'>;

export type IPublished = Schema<'Published'>;

export type ICodemetaMetadata = Schema<'CodemetaMetadata'>;

export type IRecordSummary = Schema<'RecordSummary'>;

export type IRecordPage = Schema<'RecordPage'>;

export type IRecord = Schema<'Record'>;

export type ICommunity = Schema<'Community'>;

export type ICommunityPage = Schema<'CommunityPage'>;

export type ICommunityRequest = Schema<'CommunityRequest'>;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** One method per `/vre/api/zenodo/...` endpoint; tells listeners when depositions change. */
export class ZenodoClient {
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  /** Emitted after anything that changes the user's depositions. */
  get depositionsChanged(): ISignal<this, void> {
    return this._depositionsChanged;
  }

  verify(): Promise<{ connected: boolean; message: string }> {
    return this._post('verify', {});
  }

  depositions(page: number, size: number): Promise<IDepositionPage> {
    return this._get(`depositions${query({ page, size })}`);
  }

  deposition(id: number): Promise<IDeposition> {
    return this._get(`depositions/${id}`);
  }

  codemeta(path: string): Promise<ICodemetaMetadata> {
    return this._get(`codemeta${query({ path })}`);
  }

  async create(metadata: IMetadataForm): Promise<IDeposition> {
    const made = await this._post<IDeposition>('depositions', { metadata });
    this._depositionsChanged.emit();
    return made;
  }

  updateMetadata(id: number, metadata: IMetadataForm): Promise<IDeposition> {
    return requestAPI<IDeposition>(
      `zenodo/depositions/${id}/metadata`,
      { method: 'PUT', body: JSON.stringify({ metadata }) },
      this.serverSettings
    );
  }

  upload(id: number, paths: string[]): Promise<ITaskInfo> {
    return this._post(`depositions/${id}/upload`, { paths });
  }

  /** Emitted when a deposition is published here (by the panel or the lifecycle's review). */
  get published(): ISignal<this, IPublished> {
    return this._published;
  }

  async publish(id: number): Promise<IPublished> {
    const done = await this._post<IPublished>(`depositions/${id}/publish`, {});
    this._depositionsChanged.emit();
    this._published.emit(done);
    return done;
  }

  async newVersion(id: number): Promise<IDeposition> {
    const draft = await this._post<IDeposition>(
      `depositions/${id}/newversion`,
      { keep_files: false }
    );
    this._depositionsChanged.emit();
    return draft;
  }

  async discard(id: number): Promise<void> {
    await requestAPI(
      `zenodo/depositions/${id}`,
      { method: 'DELETE' },
      this.serverSettings
    );
    this._depositionsChanged.emit();
  }

  requestCommunity(id: number, community: string): Promise<ICommunityRequest> {
    return this._post(`depositions/${id}/communities`, { community });
  }

  communities(q: string, page = 1, size = 10): Promise<ICommunityPage> {
    return this._get(`communities${query({ q, page, size })}`);
  }

  records(
    q: string,
    community: string,
    page = 1,
    size = 10
  ): Promise<IRecordPage> {
    return this._get(`records${query({ q, community, page, size })}`);
  }

  record(id: number): Promise<IRecord> {
    return this._get(`records/${id}`);
  }

  fetch(id: number, folder: string): Promise<ITaskInfo> {
    return this._post(`records/${id}/fetch`, { folder });
  }

  private _get<T>(path: string): Promise<T> {
    return requestAPI<T>(`zenodo/${path}`, {}, this.serverSettings);
  }

  private _post<T>(path: string, body: unknown): Promise<T> {
    return requestAPI<T>(
      `zenodo/${path}`,
      { method: 'POST', body: JSON.stringify(body) },
      this.serverSettings
    );
  }

  private _depositionsChanged = new Signal<this, void>(this);
  private _published = new Signal<this, IPublished>(this);
}

/** `"Doe, Jane; ESCAPE"` per line ↔ creators. */
export function creatorsToText(creators: ICreator[]): string {
  return creators
    .map(c => (c.affiliation ? `${c.name}; ${c.affiliation}` : c.name))
    .join('\n');
}

export function creatorsFromText(text: string): ICreator[] {
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(line => line.length > 0)
    .map(line => {
      const [name, affiliation] = line.split(';').map(part => part.trim());
      return { name, affiliation: affiliation || null, orcid: null };
    });
}

/** An empty form, with the admin's default community. */
export function emptyForm(
  title: string,
  community: string | null
): IMetadataForm {
  return {
    title,
    upload_type: 'dataset',
    description: '',
    creators: [],
    access_right: 'open',
    license: 'cc-by-4.0',
    publication_date: null,
    version: null,
    keywords: [],
    communities: community ? [community] : [],
    embargo_date: null,
    access_conditions: null,
    extra: {}
  };
}

/** The form's view of a deposition's Zenodo metadata (for a new version or a draft). */
export function formFromMetadata(
  metadata: Record<string, unknown>
): IMetadataForm {
  const text = (key: string): string =>
    typeof metadata[key] === 'string' ? (metadata[key] as string) : '';
  const license = metadata.license;
  const communities = Array.isArray(metadata.communities)
    ? (metadata.communities as { identifier?: string; id?: string }[])
        .map(c => c.identifier ?? c.id ?? '')
        .filter(c => c)
    : [];
  const known = new Set([
    'title',
    'upload_type',
    'description',
    'creators',
    'access_right',
    'license',
    'publication_date',
    'version',
    'keywords',
    'communities',
    'prereserve_doi',
    'doi',
    'relations'
  ]);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!known.has(key)) {
      extra[key] = value;
    }
  }
  return {
    title: text('title'),
    upload_type: text('upload_type') || 'dataset',
    description: text('description'),
    creators: Array.isArray(metadata.creators)
      ? (metadata.creators as ICreator[])
      : [],
    access_right:
      (text('access_right') as IMetadataForm['access_right']) || 'open',
    license:
      typeof license === 'string'
        ? license
        : ((license as { id?: string } | undefined)?.id ?? null),
    publication_date: null,
    version: text('version') || null,
    keywords: Array.isArray(metadata.keywords)
      ? (metadata.keywords as string[])
      : [],
    communities,
    embargo_date: null,
    access_conditions: null,
    extra
  };
}
