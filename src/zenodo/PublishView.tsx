import { Clipboard, Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  Button,
  closeIcon,
  HTMLSelect,
  UseSignal
} from '@jupyterlab/ui-components';
import React, { useEffect, useId, useRef, useState } from 'react';

import { announce } from '../common/a11y';
import { IVREConnection } from '../common/connection';
import { asAPIError } from '../common/request';
import { isActive } from '../common/tasks';
import { formatBytes } from '../common/TasksView';
import {
  emptyForm,
  formFromMetadata,
  ICreator,
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

const ACCESS_RIGHTS: IMetadataForm['access_right'][] = [
  'open',
  'embargoed',
  'restricted',
  'closed'
];

const ORCID = /^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/;

export interface IPublishViewProps {
  client: ZenodoClient;
  connection: IVREConnection;
  trans: TranslationBundle;
  /** The workspace file or folder to publish; asked for when null. */
  path: string | null;
  isDir: boolean;
  /** A draft to continue (e.g. a new version); a new one is made when null. */
  draft: IDeposition | null;
  /** A published record whose metadata is changed (same DOI, no upload). */
  published?: IDeposition | null;
  defaultCommunity: string | null;
}

type Step = 'loading' | 'form' | 'uploading' | 'review' | 'done';

/** A workspace file and the name Zenodo gives it (subfolders flattened into the name). */
export interface IPlaced {
  path: string;
  name: string;
}

/**
 * The upload task's `renamed` ({path below the selection: Zenodo name}) as
 * workspace paths: which file became which name.
 */
export function placedFiles(renamed: unknown, selection: string): IPlaced[] {
  if (!renamed || typeof renamed !== 'object') {
    return [];
  }
  const base = selection.replace(/\/+$/, '');
  return Object.entries(renamed as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([below, name]) => ({ path: `${base}/${below}`, name }));
}

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

export type FormErrors = Partial<
  Record<'path' | 'title' | 'description' | 'creators' | 'license', string>
> & { creatorRows?: Record<number, string> };

/** What must be fixed before Zenodo would take the metadata; empty when nothing. */
export function validateForm(
  form: IMetadataForm,
  needsPath: boolean,
  path: string,
  trans: TranslationBundle
): FormErrors {
  const errors: FormErrors = {};
  if (needsPath && !path.trim()) {
    errors.path = trans.__('Choose the workspace file or folder to publish.');
  }
  if (!form.title.trim()) {
    errors.title = trans.__('A title is required.');
  }
  if (!form.description.trim()) {
    errors.description = trans.__('A description is required.');
  }
  const named = form.creators.filter(c => c.name.trim());
  if (named.length === 0) {
    errors.creators = trans.__('At least one creator is required.');
  }
  const rows: Record<number, string> = {};
  form.creators.forEach((creator, index) => {
    if (creator.orcid && !ORCID.test(creator.orcid.trim())) {
      rows[index] = trans.__('An ORCID looks like 0000-0002-1825-0097.');
    }
  });
  if (Object.keys(rows).length) {
    errors.creatorRows = rows;
  }
  if (
    (form.access_right === 'open' || form.access_right === 'embargoed') &&
    !form.license?.trim()
  ) {
    errors.license = trans.__('Open and embargoed records need a licence.');
  }
  return errors;
}

function hasErrors(errors: FormErrors): boolean {
  return Object.keys(errors).length > 0;
}

/**
 * Publish a workspace file or folder: metadata (prefilled from codemeta.json),
 * upload with progress, a review of everything that will be public, explicit
 * confirmation, publish, DOI. Also edits a published record's metadata.
 */
export function PublishView(props: IPublishViewProps): JSX.Element {
  const { client, connection, trans, isDir, defaultCommunity } = props;
  const published = props.published ?? null;
  const id = useId();
  const [step, setStep] = useState<Step>('loading');
  const [form, setForm] = useState<IMetadataForm>(() =>
    emptyForm('', defaultCommunity)
  );
  const [path, setPath] = useState(props.path ?? '');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>({});
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState<IDeposition | null>(props.draft);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [placed, setPlaced] = useState<IPlaced[]>([]);
  const [confirmed, setConfirmed] = useState(false);
  const [done, setDone] = useState<IPublished | null>(null);
  const firstField = useRef<HTMLInputElement>(null);
  const reviewHeading = useRef<HTMLHeadingElement>(null);

  const hasFiles = (draft?.files.length ?? 0) > 0;
  const needsPath = !published && !hasFiles;

  useEffect(() => {
    let alive = true;
    const start = async () => {
      let filled: IMetadataForm | null = null;
      let said: string | null = null;
      if (published) {
        filled = formFromMetadata(published.metadata);
        said = trans.__(
          'The metadata of the published record %1. Saving keeps its DOI and files.',
          published.doi ?? `#${published.id}`
        );
      } else if (props.draft) {
        filled = formFromMetadata(props.draft.metadata);
        said = trans.__('The metadata of Zenodo draft #%1.', props.draft.id);
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
          said = [
            trans.__(
              'Prefilled from %1: check every field before you continue.',
              source
            ),
            ...found.warnings
          ].join(' ');
        } catch (reason) {
          const failure = asAPIError(reason);
          if (failure.code !== 'codemeta_not_found') {
            said = failure.message;
          }
        }
      }
      if (!alive) {
        return;
      }
      const value =
        filled ??
        emptyForm(props.path ? baseName(props.path) : '', defaultCommunity);
      if (value.creators.length === 0) {
        value.creators = [{ name: '', affiliation: null, orcid: null }];
      }
      setForm(value);
      setNote(said); // shown in a role="status" note, so it is announced
      setStep('form');
    };
    void start();
    return () => {
      alive = false;
    };
  }, []);

  useEffect(() => {
    if (step === 'form') {
      firstField.current?.focus();
    } else if (step === 'review') {
      reviewHeading.current?.focus();
    }
  }, [step]);

  // Inline: a field's error shows once it was left (or on submit), and updates as it is typed.
  useEffect(() => {
    setErrors(validateForm(form, needsPath, path, trans));
  }, [form, path, needsPath]);
  const shown = (field: string): string | undefined =>
    touched.has(field) || touched.has('*')
      ? (errors[field as keyof FormErrors] as string | undefined)
      : undefined;
  const leave = (field: string) =>
    setTouched(current => new Set(current).add(field));

  const update = (change: Partial<IMetadataForm>) =>
    setForm(current => ({ ...current, ...change }));
  const setCreator = (index: number, change: Partial<ICreator>) =>
    update({
      creators: form.creators.map((c, i) =>
        i === index ? { ...c, ...change } : c
      )
    });

  const cleaned = (): IMetadataForm => ({
    ...form,
    keywords: form.keywords.map(k => k.trim()).filter(k => k),
    creators: form.creators
      .filter(c => c.name.trim())
      .map(c => ({
        name: c.name.trim(),
        affiliation: c.affiliation?.trim() || null,
        orcid: c.orcid?.trim() || null
      }))
  });

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const found = validateForm(form, needsPath, path, trans);
    if (hasErrors(found)) {
      setTouched(new Set(['*']));
      setErrors(found);
      announce(trans.__('Some fields need attention.'));
      const first = document.querySelector<HTMLElement>(
        '.jp-vre-ZenodoForm [aria-invalid="true"]'
      );
      first?.focus();
      return;
    }
    setError(null);
    if (published) {
      setStep('review');
      return;
    }
    setBusy(true);
    const metadata = cleaned();
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
      announce(trans.__('Uploading to Zenodo…'));
      const ended = await connection.tasks.watch(task.id);
      if (ended.state !== 'succeeded') {
        setError(
          ended.error?.message ?? trans.__('The upload was %1.', ended.state)
        );
        setStep('form');
        return;
      }
      setPlaced(placedFiles(ended.result?.renamed, path.trim()));
      setDraft(await client.deposition(target.id));
      announce(trans.__('Uploaded. Review before publishing.'));
      setStep('review');
    } catch (reason) {
      setError(asAPIError(reason).message);
      setStep('form');
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      if (published) {
        const saved = await client.editPublished(published.id, cleaned());
        setDone({
          id: saved.id,
          doi: saved.doi ?? '',
          doi_url: saved.doi_url ?? '',
          record_url: saved.record_url,
          citation: saved.citation ?? ''
        });
        announce(trans.__('Saved; the record keeps its DOI.'));
      } else if (draft) {
        setDone(await client.publish(draft.id));
        announce(trans.__('Published.'));
      }
      setStep('done');
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
  const described = (name: string) =>
    shown(name) ? `${field(name)}-error` : undefined;
  const FieldError = (p: { name: string }) =>
    shown(p.name) ? (
      <p id={`${field(p.name)}-error`} className="jp-vre-FieldError">
        {shown(p.name)}
      </p>
    ) : null;
  const Required = () => (
    <span className="jp-vre-Required" aria-hidden="true">
      {' *'}
    </span>
  );

  return (
    <div className="jp-vre-ZenodoPublish">
      <h2>
        {published
          ? trans.__('Edit the metadata of a published record')
          : trans.__('Publish to Zenodo')}
      </h2>
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
          noValidate
          onSubmit={event => void submit(event)}
        >
          {note && (
            <p className="jp-vre-ZenodoForm-note" role="status">
              {note}
            </p>
          )}
          <p className="jp-vre-ZenodoForm-legend">
            {trans.__('Fields marked * are required.')}
          </p>
          {!published && (
            <>
              <label htmlFor={field('path')}>
                {trans.__('Workspace file or folder')}
                {needsPath && <Required />}
              </label>
              <input
                id={field('path')}
                className="jp-mod-styled"
                value={path}
                readOnly={props.path !== null}
                aria-required={needsPath}
                aria-invalid={!!shown('path')}
                aria-describedby={
                  described('path') ?? (isDir ? field('flat') : undefined)
                }
                onBlur={() => leave('path')}
                onChange={event => setPath(event.target.value)}
              />
              <FieldError name="path" />
              {isDir && (
                <p id={field('flat')} className="jp-vre-ZenodoForm-hint">
                  {trans.__(
                    'Zenodo keeps no folders: a file in a subfolder gets the folder in its name (code/fit.py becomes code__fit.py). The review lists every name before you publish.'
                  )}
                </p>
              )}
            </>
          )}
          <label htmlFor={field('title')}>
            {trans.__('Title')}
            <Required />
          </label>
          <input
            id={field('title')}
            ref={firstField}
            className="jp-mod-styled"
            value={form.title}
            aria-required
            aria-invalid={!!shown('title')}
            aria-describedby={described('title')}
            onBlur={() => leave('title')}
            onChange={event => update({ title: event.target.value })}
          />
          <FieldError name="title" />
          <label htmlFor={field('type')}>
            {trans.__('Type')}
            <Required />
          </label>
          <HTMLSelect
            id={field('type')}
            value={form.upload_type}
            aria-required
            onChange={event => update({ upload_type: event.target.value })}
          >
            {UPLOAD_TYPES.map(type => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </HTMLSelect>
          <label htmlFor={field('description')}>
            {trans.__('Description')}
            <Required />
          </label>
          <textarea
            id={field('description')}
            className="jp-mod-styled"
            rows={4}
            value={form.description}
            aria-required
            aria-invalid={!!shown('description')}
            aria-describedby={described('description')}
            onBlur={() => leave('description')}
            onChange={event => update({ description: event.target.value })}
          />
          <FieldError name="description" />
          <fieldset
            className="jp-vre-ZenodoCreators"
            aria-describedby={described('creators')}
          >
            <legend>
              {trans.__('Creators')}
              <Required />
            </legend>
            <div className="jp-vre-ZenodoCreators-head" aria-hidden="true">
              <span>{trans.__('Family, Given')}</span>
              <span>{trans.__('Affiliation')}</span>
              <span>{trans.__('ORCID')}</span>
            </div>
            {form.creators.map((creator, index) => (
              <div
                key={index}
                className="jp-vre-ZenodoCreator"
                data-creator={index}
              >
                <input
                  className="jp-mod-styled"
                  aria-label={trans.__(
                    'Creator %1: name (Family, Given)',
                    index + 1
                  )}
                  placeholder={trans.__('Doe, Jane')}
                  value={creator.name}
                  aria-invalid={
                    (touched.has('*') || touched.has('creators')) &&
                    (!!errors.creatorRows?.[index] || !!errors.creators)
                  }
                  onBlur={() => leave('creators')}
                  onChange={event =>
                    setCreator(index, { name: event.target.value })
                  }
                />
                <input
                  className="jp-mod-styled"
                  aria-label={trans.__('Creator %1: affiliation', index + 1)}
                  value={creator.affiliation ?? ''}
                  onChange={event =>
                    setCreator(index, { affiliation: event.target.value })
                  }
                />
                <input
                  className="jp-mod-styled"
                  aria-label={trans.__('Creator %1: ORCID', index + 1)}
                  placeholder="0000-0000-0000-0000"
                  value={creator.orcid ?? ''}
                  onBlur={() => leave('creators')}
                  onChange={event =>
                    setCreator(index, { orcid: event.target.value })
                  }
                />
                <Button
                  type="button"
                  small
                  minimal
                  aria-label={trans.__('Remove creator %1', index + 1)}
                  title={trans.__('Remove creator %1', index + 1)}
                  disabled={form.creators.length === 1}
                  onClick={() =>
                    update({
                      creators: form.creators.filter((_, i) => i !== index)
                    })
                  }
                >
                  <closeIcon.react tag="span" />
                </Button>
                {(touched.has('*') || touched.has('creators')) &&
                  errors.creatorRows?.[index] && (
                    <p className="jp-vre-FieldError">
                      {errors.creatorRows[index]}
                    </p>
                  )}
              </div>
            ))}
            <Button
              type="button"
              small
              minimal
              onClick={() =>
                update({
                  creators: [
                    ...form.creators,
                    { name: '', affiliation: null, orcid: null }
                  ]
                })
              }
            >
              <addIcon.react tag="span" className="jp-vre-ButtonIcon" />
              {trans.__('Add a creator')}
            </Button>
            {shown('creators') && (
              <p
                id={`${field('creators')}-error`}
                className="jp-vre-FieldError"
              >
                {errors.creators}
              </p>
            )}
          </fieldset>
          <label htmlFor={field('access')}>{trans.__('Access')}</label>
          <HTMLSelect
            id={field('access')}
            value={form.access_right}
            onChange={event =>
              update({
                access_right: event.target
                  .value as IMetadataForm['access_right']
              })
            }
          >
            {ACCESS_RIGHTS.map(right => (
              <option key={right} value={right}>
                {right}
              </option>
            ))}
          </HTMLSelect>
          <label htmlFor={field('license')}>
            {trans.__('Licence')}
            {(form.access_right === 'open' ||
              form.access_right === 'embargoed') && <Required />}
          </label>
          <input
            id={field('license')}
            className="jp-mod-styled"
            value={form.license ?? ''}
            placeholder="cc-by-4.0"
            aria-invalid={!!shown('license')}
            aria-describedby={described('license')}
            onBlur={() => leave('license')}
            onChange={event => update({ license: event.target.value })}
          />
          <FieldError name="license" />
          <label htmlFor={field('version')}>{trans.__('Version')}</label>
          <input
            id={field('version')}
            className="jp-mod-styled"
            value={form.version ?? ''}
            onChange={event => update({ version: event.target.value || null })}
          />
          <label htmlFor={field('keywords')}>
            {trans.__('Keywords (comma-separated)')}
          </label>
          <input
            id={field('keywords')}
            className="jp-mod-styled"
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
            className="jp-mod-styled"
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
            <Button
              type="submit"
              className="jp-mod-accept jp-vre-PrimaryButton"
              disabled={busy}
            >
              {published
                ? trans.__('Review the changes')
                : path.trim()
                  ? trans.__('Upload and review')
                  : trans.__('Review')}
            </Button>
          </div>
        </form>
      )}
      {step === 'uploading' && taskId && (
        <UseSignal signal={connection.tasks.changed}>
          {() => {
            const task = connection.tasks.tasks.find(t => t.id === taskId);
            const sent = task?.progress.done ?? 0;
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
                    value={total ? sent : undefined}
                  />
                )}
                <p>
                  {total !== null
                    ? trans.__(
                        '%1 of %2',
                        formatBytes(sent),
                        formatBytes(total)
                      )
                    : formatBytes(sent)}
                </p>
              </div>
            );
          }}
        </UseSignal>
      )}
      {step === 'review' && (published || draft) && (
        <Review
          form={published ? cleaned() : formFromMetadata(draft?.metadata ?? {})}
          deposition={published ?? draft}
          placed={placed}
          editing={!!published}
          headingRef={reviewHeading}
          trans={trans}
        >
          {!published && (
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
          )}
          <div className="jp-vre-ZenodoForm-actions">
            <Button
              className="jp-mod-accept jp-vre-PrimaryButton"
              disabled={(!published && !confirmed) || busy}
              onClick={() => void publish()}
            >
              {published ? trans.__('Save changes') : trans.__('Publish')}
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
        </Review>
      )}
      {step === 'done' && done && (
        <div className="jp-vre-ZenodoDone" aria-label={trans.__('Published')}>
          <p>
            {published
              ? trans.__('Saved. The record keeps the DOI')
              : trans.__('Published with the DOI')}
          </p>
          <a
            className="jp-vre-Zenodo-doi"
            href={done.doi_url}
            target="_blank"
            rel="noreferrer"
          >
            {done.doi}
          </a>
          {done.record_url && (
            <p>
              <a href={done.record_url} target="_blank" rel="noreferrer">
                {trans.__('Open the record on Zenodo')}
              </a>
            </p>
          )}
          <p className="jp-vre-Zenodo-citation">{done.citation}</p>
          <div className="jp-vre-ZenodoForm-actions">
            <Button onClick={() => copy(done.doi, trans.__('DOI'))}>
              {trans.__('Copy DOI')}
            </Button>
            <Button onClick={() => copy(done.citation, trans.__('Citation'))}>
              {trans.__('Copy citation')}
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}

/** Everything that will be public, as Zenodo will show it. */
function Review(props: {
  form: IMetadataForm;
  deposition: IDeposition | null;
  placed: IPlaced[];
  editing: boolean;
  headingRef: React.RefObject<HTMLHeadingElement>;
  trans: TranslationBundle;
  children: React.ReactNode;
}): JSX.Element {
  const { form, deposition, placed, editing, headingRef, trans } = props;
  const none = (
    <span className="jp-vre-ZenodoReview-none">{trans.__('none')}</span>
  );
  const pathOf = new Map(placed.map(p => [p.name, p.path]));
  const flattened = placed.length > 0;
  return (
    <section className="jp-vre-ZenodoReview" aria-label={trans.__('Review')}>
      <h3 ref={headingRef} tabIndex={-1}>
        {editing
          ? trans.__('Review the changes before saving')
          : trans.__('Review before publishing')}
      </h3>
      <dl>
        <dt>{trans.__('Title')}</dt>
        <dd>{form.title}</dd>
        <dt>{trans.__('Type')}</dt>
        <dd>{form.upload_type}</dd>
        <dt>{trans.__('Description')}</dt>
        <dd className="jp-vre-ZenodoReview-description">{form.description}</dd>
        <dt>{trans.__('Creators')}</dt>
        <dd>
          <ul>
            {form.creators.map((c, index) => (
              <li key={index}>
                {c.name}
                {c.affiliation && ` · ${c.affiliation}`}
                {c.orcid && ` · ORCID ${c.orcid}`}
              </li>
            ))}
          </ul>
        </dd>
        <dt>{trans.__('Access')}</dt>
        <dd>{form.access_right}</dd>
        <dt>{trans.__('Licence')}</dt>
        <dd>{form.license || none}</dd>
        <dt>{trans.__('Version')}</dt>
        <dd>{form.version || none}</dd>
        <dt>{trans.__('Keywords')}</dt>
        <dd>{form.keywords.length ? form.keywords.join(', ') : none}</dd>
        <dt>{trans.__('Communities')}</dt>
        <dd>{form.communities.length ? form.communities.join(', ') : none}</dd>
        <dt>{trans.__('DOI')}</dt>
        <dd>
          {deposition?.doi ??
            deposition?.reserved_doi ??
            trans.__('assigned on publishing')}
        </dd>
        {!editing && deposition && (
          <>
            <dt>{trans.__('Files')}</dt>
            <dd>
              {flattened && (
                <p className="jp-vre-ZenodoForm-hint">
                  {trans.__(
                    'Zenodo keeps no folders: files from subfolders carry the folder in their name.'
                  )}
                </p>
              )}
              <ul className="jp-vre-ZenodoReview-files">
                {deposition.files.map(f => {
                  const from = pathOf.get(f.name);
                  return (
                    <li key={f.name} data-file={f.name}>
                      <span className="jp-vre-ZenodoReview-name">{f.name}</span>
                      {from && (
                        <span className="jp-vre-ZenodoReview-from">
                          {trans.__('from %1', from)}
                        </span>
                      )}
                      {f.size !== null && ` (${formatBytes(f.size)})`}
                    </li>
                  );
                })}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {props.children}
    </section>
  );
}
