import { Clipboard, Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button, UseSignal } from '@jupyterlab/ui-components';
import React, { useEffect, useId, useState } from 'react';

import { IVREConnection } from '../common/connection';
import { asAPIError } from '../common/request';
import { isActive } from '../common/tasks';
import { formatBytes } from '../common/TasksView';
import {
  creatorsFromText,
  creatorsToText,
  emptyForm,
  formFromMetadata,
  IDeposition,
  IMetadataForm,
  IPublished,
  ZenodoClient
} from './api';

export const UPLOAD_TYPES = [
  'dataset',
  'software',
  'publication',
  'poster',
  'presentation',
  'image',
  'video',
  'lesson',
  'physicalobject',
  'other'
];

export interface IPublishViewProps {
  client: ZenodoClient;
  connection: IVREConnection;
  trans: TranslationBundle;
  /** The workspace file or folder to publish; asked for when null. */
  path: string | null;
  isDir: boolean;
  /** A draft to continue (e.g. a new version); a new one is made when null. */
  draft: IDeposition | null;
  defaultCommunity: string | null;
}

type Step = 'loading' | 'form' | 'uploading' | 'review' | 'published';

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Where a `codemeta.json` for `path` would be: in the folder, or next to the file. */
export function codemetaFor(path: string, isDir: boolean): string {
  const folder = isDir ? path : parentOf(path);
  return folder ? `${folder}/codemeta.json` : 'codemeta.json';
}

/**
 * Publish a workspace file or folder: metadata (prefilled from codemeta.json),
 * upload with progress, review, explicit confirmation, publish, DOI.
 */
export function PublishView(props: IPublishViewProps): JSX.Element {
  const { client, connection, trans, isDir, defaultCommunity } = props;
  const id = useId();
  const [step, setStep] = useState<Step>('loading');
  const [form, setForm] = useState<IMetadataForm>(() =>
    emptyForm('', defaultCommunity)
  );
  const [creators, setCreators] = useState('');
  const [path, setPath] = useState(props.path ?? '');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState<IDeposition | null>(props.draft);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [published, setPublished] = useState<IPublished | null>(null);

  useEffect(() => {
    let live = true;
    const start = async () => {
      let filled: IMetadataForm | null = null;
      if (props.draft) {
        filled = formFromMetadata(props.draft.metadata);
        setNote(trans.__('The metadata of Zenodo draft #%1.', props.draft.id));
      } else if (props.path !== null) {
        const source = codemetaFor(props.path, isDir);
        try {
          const found = await client.codemeta(source);
          filled = found.metadata;
          if (
            defaultCommunity &&
            !filled.communities.includes(defaultCommunity)
          ) {
            filled.communities = [...filled.communities, defaultCommunity];
          }
          setNote(
            [trans.__('Prefilled from %1.', source), ...found.warnings].join(
              ' '
            )
          );
        } catch (reason) {
          const failure = asAPIError(reason);
          if (failure.code !== 'codemeta_not_found') {
            setNote(failure.message);
          }
        }
      }
      if (!live) {
        return;
      }
      const value =
        filled ??
        emptyForm(props.path ? baseName(props.path) : '', defaultCommunity);
      setForm(value);
      setCreators(creatorsToText(value.creators));
      setStep('form');
    };
    void start();
    return () => {
      live = false;
    };
  }, []);

  const hasFiles = (draft?.files.length ?? 0) > 0;

  const update = (change: Partial<IMetadataForm>) =>
    setForm(current => ({ ...current, ...change }));

  const upload = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const metadata = { ...form, creators: creatorsFromText(creators) };
    try {
      const target = draft
        ? await client.updateMetadata(draft.id, metadata)
        : await client.create(metadata);
      setDraft(target);
      if (!path.trim()) {
        // A draft that has its files already: straight to the review.
        setDraft(await client.deposition(target.id));
        setStep('review');
        return;
      }
      const task = await client.upload(target.id, [path.trim()]);
      setTaskId(task.id);
      setStep('uploading');
      const ended = await connection.tasks.watch(task.id);
      if (ended.state !== 'succeeded') {
        setError(
          ended.error?.message ?? trans.__('The upload was %1.', ended.state)
        );
        setStep('form');
        return;
      }
      setDraft(await client.deposition(target.id));
      setStep('review');
    } catch (reason) {
      setError(asAPIError(reason).message);
      setStep('form');
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    if (!draft) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setPublished(await client.publish(draft.id));
      setStep('published');
    } catch (reason) {
      setError(asAPIError(reason).message);
    } finally {
      setBusy(false);
    }
  };

  const copy = (text: string, what: string) => {
    Clipboard.copyToSystem(text);
    Notification.success(trans.__('%1 copied.', what), { autoClose: 3000 });
  };

  const field = (name: string) => `${id}-${name}`;

  return (
    <div className="jp-vre-ZenodoPublish">
      <h2>{trans.__('Publish to Zenodo')}</h2>
      {path && step !== 'form' && (
        <p className="jp-vre-ZenodoPublish-path">{path}</p>
      )}
      {error && (
        <p className="jp-vre-Zenodo-error" role="alert">
          {error}
        </p>
      )}
      {step === 'loading' && <p>{trans.__('Reading the metadata…')}</p>}
      {step === 'form' && (
        <form
          className="jp-vre-ZenodoForm"
          aria-label={trans.__('Zenodo metadata')}
          onSubmit={event => void upload(event)}
        >
          {note && <p className="jp-vre-ZenodoForm-note">{note}</p>}
          <label htmlFor={field('path')}>
            {trans.__('Workspace file or folder')}
          </label>
          <input
            id={field('path')}
            value={path}
            readOnly={props.path !== null}
            onChange={event => setPath(event.target.value)}
          />
          <label htmlFor={field('title')}>{trans.__('Title')}</label>
          <input
            id={field('title')}
            value={form.title}
            onChange={event => update({ title: event.target.value })}
          />
          <label htmlFor={field('type')}>{trans.__('Upload type')}</label>
          <select
            id={field('type')}
            value={form.upload_type}
            onChange={event => update({ upload_type: event.target.value })}
          >
            {UPLOAD_TYPES.map(type => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
          <label htmlFor={field('description')}>
            {trans.__('Description')}
          </label>
          <textarea
            id={field('description')}
            rows={4}
            value={form.description}
            onChange={event => update({ description: event.target.value })}
          />
          <label htmlFor={field('creators')}>
            {trans.__('Creators (one per line: Family, Given; Affiliation)')}
          </label>
          <textarea
            id={field('creators')}
            rows={3}
            value={creators}
            onChange={event => setCreators(event.target.value)}
          />
          <label htmlFor={field('license')}>{trans.__('License')}</label>
          <input
            id={field('license')}
            value={form.license ?? ''}
            onChange={event => update({ license: event.target.value })}
          />
          <label htmlFor={field('version')}>{trans.__('Version')}</label>
          <input
            id={field('version')}
            value={form.version ?? ''}
            onChange={event => update({ version: event.target.value || null })}
          />
          <label htmlFor={field('keywords')}>
            {trans.__('Keywords (comma-separated)')}
          </label>
          <input
            id={field('keywords')}
            value={form.keywords.join(', ')}
            onChange={event =>
              update({
                keywords: event.target.value.split(',').map(k => k.trimStart())
              })
            }
          />
          <label htmlFor={field('communities')}>
            {trans.__('Ask to include it in communities (comma-separated)')}
          </label>
          <input
            id={field('communities')}
            value={form.communities.join(', ')}
            onChange={event =>
              update({
                communities: event.target.value
                  .split(',')
                  .map(c => c.trim())
                  .filter(c => c)
              })
            }
          />
          <div className="jp-vre-ZenodoForm-actions">
            <Button type="submit" disabled={busy || !(path.trim() || hasFiles)}>
              {path.trim() ? trans.__('Upload') : trans.__('Review')}
            </Button>
          </div>
        </form>
      )}
      {step === 'uploading' && taskId && (
        <UseSignal signal={connection.tasks.changed}>
          {() => {
            const task = connection.tasks.tasks.find(t => t.id === taskId);
            const done = task?.progress.done ?? 0;
            const total = task?.progress.total ?? null;
            return (
              <div className="jp-vre-ZenodoPublish-upload">
                <p>
                  {trans.__('Uploading to Zenodo draft #%1…', draft?.id ?? '')}
                </p>
                {task && isActive(task) && (
                  <progress
                    aria-label={trans.__('Upload progress')}
                    max={total ?? undefined}
                    value={total ? done : undefined}
                  />
                )}
                <p>
                  {total !== null
                    ? trans.__(
                        '%1 of %2',
                        formatBytes(done),
                        formatBytes(total)
                      )
                    : formatBytes(done)}
                </p>
              </div>
            );
          }}
        </UseSignal>
      )}
      {step === 'review' && draft && (
        <div className="jp-vre-ZenodoReview" aria-label={trans.__('Review')}>
          <h3>{trans.__('Review before publishing')}</h3>
          <dl>
            <dt>{trans.__('Title')}</dt>
            <dd>{draft.title}</dd>
            <dt>{trans.__('Creators')}</dt>
            <dd>
              {((draft.metadata.creators as { name: string }[]) ?? [])
                .map(c => c.name)
                .join('; ')}
            </dd>
            <dt>{trans.__('DOI it will get')}</dt>
            <dd>{draft.reserved_doi ?? trans.__('assigned on publishing')}</dd>
            <dt>{trans.__('Files')}</dt>
            <dd>
              <ul className="jp-vre-ZenodoReview-files">
                {draft.files.map(f => (
                  <li key={f.name}>
                    {f.name}
                    {f.size !== null && ` (${formatBytes(f.size)})`}
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
          <label className="jp-vre-ZenodoReview-confirm">
            <input
              type="checkbox"
              checked={confirmed}
              onChange={event => setConfirmed(event.target.checked)}
            />
            {trans.__(
              'I understand that a published record is permanent: it cannot be deleted, only followed by new versions.'
            )}
          </label>
          <div className="jp-vre-ZenodoForm-actions">
            <Button
              disabled={!confirmed || busy}
              onClick={() => void publish()}
            >
              {trans.__('Publish')}
            </Button>
            <Button
              minimal
              disabled={busy}
              onClick={() => {
                setConfirmed(false);
                setStep('form');
              }}
            >
              {trans.__('Back to the metadata')}
            </Button>
          </div>
        </div>
      )}
      {step === 'published' && published && (
        <div className="jp-vre-ZenodoDone" aria-label={trans.__('Published')}>
          <p>{trans.__('Published with the DOI')}</p>
          <a
            className="jp-vre-Zenodo-doi"
            href={published.doi_url}
            target="_blank"
            rel="noreferrer"
          >
            {published.doi}
          </a>
          {published.record_url && (
            <p>
              <a href={published.record_url} target="_blank" rel="noreferrer">
                {trans.__('Open the record on Zenodo')}
              </a>
            </p>
          )}
          <p className="jp-vre-Zenodo-citation">{published.citation}</p>
          <div className="jp-vre-ZenodoForm-actions">
            <Button onClick={() => copy(published.doi, trans.__('DOI'))}>
              {trans.__('Copy DOI')}
            </Button>
            <Button
              onClick={() => copy(published.citation, trans.__('Citation'))}
            >
              {trans.__('Copy citation')}
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
