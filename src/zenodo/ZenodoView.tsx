import { Clipboard, InputDialog, Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  addBelowIcon,
  addIcon,
  Button,
  deleteIcon,
  downloadIcon,
  editIcon,
  HTMLSelect,
  searchIcon
} from '@jupyterlab/ui-components';
import React, { useEffect, useId, useRef, useState } from 'react';

import { ActionButton } from '../common/ActionButton';
import { AuthModel } from '../common/auth';
import { confirmDestructive } from '../common/confirm';
import { asAPIError } from '../common/request';
import { formatBytes } from '../common/TasksView';
import {
  groupByRecord,
  ICommunity,
  IDeposition,
  IDepositionPage,
  IDepositionSummary,
  IRecord,
  IRecordFilters,
  IRecordPage,
  IRecordSummary,
  ZenodoClient
} from './api';
import { IRecordFileRef } from './insert';
import { UPLOAD_TYPES } from './PublishView';

const PAGE_SIZE = 10;
const ACCESS_RIGHTS = ['open', 'embargoed', 'restricted', 'closed'];

export interface IZenodoViewProps {
  client: ZenodoClient;
  auth: AuthModel;
  trans: TranslationBundle;
  defaultCommunity: string | null;
  /** Open the publishing view on a draft (e.g. a new version). */
  onContinue: (draft: IDeposition) => void;
  /** "Publish…": choose a workspace file or folder; absent: the button is disabled. */
  onPublish?: () => void;
  /** Open the metadata editor of a published record. */
  onEdit?: (published: IDeposition) => void;
  /** A task fetching record files into a workspace folder was started. */
  onFetched?: (folder: string) => void;
  /** Insert a cell that reads this record file into the current notebook; absent: no button. */
  onInsert?: (file: IRecordFileRef) => void;
}

function copy(text: string, message: string): void {
  Clipboard.copyToSystem(text);
  Notification.success(message, { autoClose: 3000 });
}

/** The folder "Fetch to workspace" proposes for a record. */
export function recordFolder(id: number): string {
  return `zenodo-${id}`;
}

/** The Zenodo panel's own part: "Publish…" and the user's depositions first, then record search. */
export function ZenodoView(props: IZenodoViewProps): JSX.Element {
  const { auth, trans, onPublish } = props;
  const [connected, setConnected] = useState(() =>
    auth.connections('zenodo').some(c => c.connected)
  );
  useEffect(() => {
    const changed = () =>
      setConnected(auth.connections('zenodo').some(c => c.connected));
    auth.changed.connect(changed);
    return () => {
      auth.changed.disconnect(changed);
    };
  }, [auth]);

  return (
    <div className="jp-vre-ZenodoView">
      <div className="jp-vre-ZenodoView-toolbar">
        <ActionButton
          label={trans.__('Publish…')}
          icon={addIcon}
          kind="primary"
          data-vre-main-field=""
          title={trans.__(
            'Choose a workspace file or folder to publish with a DOI'
          )}
          disabled={!connected || !onPublish}
          disabledReason={trans.__('Connect to Zenodo first')}
          onClick={() => onPublish?.()}
        />
      </div>
      {connected ? (
        <>
          <TokenCheck {...props} />
          <Depositions {...props} />
        </>
      ) : (
        <p className="jp-vre-ZenodoView-hint">
          {trans.__(
            'Enter a Zenodo personal access token (scopes deposit:write and deposit:actions) to publish.'
          )}
        </p>
      )}
      <Search {...props} />
    </div>
  );
}

/** Checks the saved token against Zenodo; says something only when it fails. */
function TokenCheck(props: IZenodoViewProps): JSX.Element | null {
  const { client, trans } = props;
  const [state, setState] = useState<{ ok: boolean; message: string } | null>(
    null
  );
  const check = async () => {
    setState(null);
    try {
      const answer = await client.verify();
      setState({ ok: true, message: answer.message });
    } catch (reason) {
      setState({ ok: false, message: asAPIError(reason).message });
    }
  };
  useEffect(() => {
    void check();
  }, []);
  if (!state || state.ok) {
    return null;
  }
  return (
    <div className="jp-vre-ZenodoToken">
      <p className="jp-vre-Zenodo-error" role="alert">
        {state.message}
      </p>
      <Button small minimal onClick={() => void check()}>
        {trans.__('Check again')}
      </Button>
    </div>
  );
}

function Depositions(props: IZenodoViewProps): JSX.Element {
  const { client, trans } = props;
  const [page, setPage] = useState(1);
  // The page shown now, for the change handler connected once below (not the first render's page).
  const shown = useRef(1);
  const [listing, setListing] = useState<IDepositionPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (which: number) => {
    setError(null);
    try {
      setListing(await client.depositions(which, PAGE_SIZE));
      setPage(which);
      shown.current = which;
    } catch (reason) {
      setError(asAPIError(reason).message);
    }
  };
  useEffect(() => {
    void load(1);
    const changed = () => void load(shown.current);
    client.depositionsChanged.connect(changed);
    return () => {
      client.depositionsChanged.disconnect(changed);
    };
  }, [client]);

  const heading = useRef<HTMLHeadingElement>(null);
  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (reason) {
      setError(asAPIError(reason).message);
    } finally {
      setBusy(false);
      // A discarded row takes its button with it: keep focus in the list.
      window.requestAnimationFrame(() => {
        const active = document.activeElement;
        if (!active || active === document.body || !active.isConnected) {
          heading.current?.focus();
        }
      });
    }
  };

  const groups = listing ? groupByRecord(listing.items) : [];
  return (
    <section
      className="jp-vre-ZenodoDepositions"
      aria-label={trans.__('Your depositions')}
    >
      <h3 ref={heading} tabIndex={-1}>
        {trans.__('Your depositions')}
      </h3>
      {error && (
        <p className="jp-vre-Zenodo-error" role="alert">
          {error}
        </p>
      )}
      {listing && listing.items.length === 0 && (
        <p>{trans.__('None yet: "Publish…" starts one.')}</p>
      )}
      <ul className="jp-vre-ZenodoGroups">
        {groups.map(group => (
          <li
            key={group.concept}
            className="jp-vre-ZenodoGroup"
            data-concept={group.concept}
          >
            <div className="jp-vre-ZenodoGroup-title" title={group.title}>
              {group.title || trans.__('(untitled)')}
            </div>
            <ul className="jp-vre-ZenodoVersions">
              {group.versions.map(item => (
                <DepositionRow
                  key={item.id}
                  item={item}
                  busy={busy}
                  act={act}
                  {...props}
                />
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <Pager
        page={page}
        hasNext={listing?.has_next ?? false}
        onPage={which => void load(which)}
        trans={trans}
      />
    </section>
  );
}

function DepositionRow(
  props: IZenodoViewProps & {
    item: IDepositionSummary;
    busy: boolean;
    act: (work: () => Promise<void>) => Promise<void>;
  }
): JSX.Element {
  const { item, busy, act, client, trans, onContinue, onEdit } = props;
  const discard = async () => {
    const sure = await confirmDestructive({
      title: trans.__('Discard draft #%1?', item.id),
      body: trans.__(
        'The draft "%1" and the files uploaded to it are deleted from Zenodo. Your workspace files stay.',
        item.title || trans.__('(untitled)')
      ),
      accept: trans.__('Discard'),
      trans
    });
    if (sure) {
      await act(() => client.discard(item.id));
    }
  };
  return (
    <li className="jp-vre-ZenodoItem" data-deposition={item.id}>
      <div className="jp-vre-ZenodoItem-head">
        <span
          className={`jp-vre-ZenodoState ${item.published ? 'jp-mod-published' : 'jp-mod-draft'}`}
        >
          {item.published ? trans.__('Published') : trans.__('Draft')}
        </span>
        {item.doi ? (
          <a
            className="jp-vre-Zenodo-doi"
            href={item.doi_url ?? undefined}
            target="_blank"
            rel="noreferrer"
            title={trans.__('Open the DOI')}
          >
            {item.doi}
          </a>
        ) : (
          <span className="jp-vre-ZenodoItem-meta">#{item.id}</span>
        )}
      </div>
      <div className="jp-vre-ZenodoItem-actions">
        {item.published ? (
          <>
            <Button
              small
              minimal
              disabled={busy}
              onClick={() =>
                void act(async () =>
                  onContinue(await client.newVersion(item.id))
                )
              }
            >
              {trans.__('New version')}
            </Button>
            {onEdit && (
              <Button
                small
                minimal
                disabled={busy}
                onClick={() =>
                  void act(async () => onEdit(await client.deposition(item.id)))
                }
              >
                <editIcon.react tag="span" className="jp-vre-ButtonIcon" />
                {trans.__('Edit metadata…')}
              </Button>
            )}
            <Button
              small
              minimal
              onClick={() => copy(item.doi ?? '', trans.__('DOI copied.'))}
            >
              {trans.__('Copy DOI')}
            </Button>
            <Button
              small
              minimal
              disabled={busy}
              onClick={() =>
                void act(async () => {
                  const full = await client.deposition(item.id);
                  copy(full.citation ?? '', trans.__('Citation copied.'));
                })
              }
            >
              {trans.__('Copy citation')}
            </Button>
          </>
        ) : (
          <>
            <Button
              small
              disabled={busy}
              onClick={() =>
                void act(async () =>
                  onContinue(await client.deposition(item.id))
                )
              }
            >
              {trans.__('Continue…')}
            </Button>
            <span className="jp-vre-Spacer" />
            <ActionButton
              label={trans.__('Discard…')}
              icon={deleteIcon}
              kind="destructive"
              disabled={busy}
              onClick={() => void discard()}
            />
          </>
        )}
      </div>
    </li>
  );
}

function Pager(props: {
  page: number;
  hasNext: boolean;
  onPage: (page: number) => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { page, hasNext, onPage, trans } = props;
  if (page === 1 && !hasNext) {
    return null;
  }
  return (
    <div className="jp-vre-ZenodoPager">
      <Button
        small
        minimal
        disabled={page <= 1}
        onClick={() => onPage(page - 1)}
      >
        {trans.__('Previous')}
      </Button>
      <span>{trans.__('Page %1', page)}</span>
      <Button
        small
        minimal
        disabled={!hasNext}
        onClick={() => onPage(page + 1)}
      >
        {trans.__('Next')}
      </Button>
    </div>
  );
}

type SearchKind = 'records' | 'communities';

function Search(props: IZenodoViewProps): JSX.Element {
  const { client, trans, defaultCommunity } = props;
  const id = useId();
  const [kind, setKind] = useState<SearchKind>('records');
  const [text, setText] = useState('');
  const [filters, setFilters] = useState<IRecordFilters>({
    community: defaultCommunity ?? '',
    resource_type: '',
    access_right: ''
  });
  const [page, setPage] = useState(1);
  const [records, setRecords] = useState<IRecordPage | null>(null);
  const [communities, setCommunities] = useState<ICommunity[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (which: number) => {
    setError(null);
    try {
      if (kind === 'records') {
        setRecords(await client.records(text, filters, which, PAGE_SIZE));
        setCommunities(null);
      } else {
        setCommunities((await client.communities(text, 1, 20)).items);
        setRecords(null);
      }
      setPage(which);
    } catch (reason) {
      setError(asAPIError(reason).message);
    }
  };
  const filter = (change: IRecordFilters) =>
    setFilters(current => ({ ...current, ...change }));

  return (
    <section
      className="jp-vre-ZenodoSearch"
      aria-label={trans.__('Search Zenodo')}
    >
      <h3>{trans.__('Search Zenodo')}</h3>
      <form
        className="jp-vre-ZenodoSearch-form"
        role="search"
        onSubmit={event => {
          event.preventDefault();
          void search(1);
        }}
      >
        <div className="jp-vre-ZenodoSearch-line">
          <HTMLSelect
            aria-label={trans.__('What to search')}
            value={kind}
            onChange={event => setKind(event.target.value as SearchKind)}
          >
            <option value="records">{trans.__('Records')}</option>
            <option value="communities">{trans.__('Communities')}</option>
          </HTMLSelect>
          <input
            className="jp-mod-styled jp-vre-ZenodoSearch-text"
            type="search"
            aria-label={trans.__('Search text')}
            placeholder={trans.__('Words, or conceptrecid:123')}
            value={text}
            onChange={event => setText(event.target.value)}
          />
          <Button
            type="submit"
            small
            aria-label={trans.__('Search')}
            title={trans.__('Search')}
          >
            <searchIcon.react tag="span" />
          </Button>
        </div>
        {kind === 'records' && (
          <div className="jp-vre-ZenodoSearch-filters">
            <label htmlFor={`${id}-type`}>{trans.__('Type')}</label>
            <HTMLSelect
              id={`${id}-type`}
              value={filters.resource_type}
              onChange={event => filter({ resource_type: event.target.value })}
            >
              <option value="">{trans.__('any')}</option>
              {UPLOAD_TYPES.map(type => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </HTMLSelect>
            <label htmlFor={`${id}-access`}>{trans.__('Access')}</label>
            <HTMLSelect
              id={`${id}-access`}
              value={filters.access_right}
              onChange={event => filter({ access_right: event.target.value })}
            >
              <option value="">{trans.__('any')}</option>
              {ACCESS_RIGHTS.map(right => (
                <option key={right} value={right}>
                  {right}
                </option>
              ))}
            </HTMLSelect>
            <label htmlFor={`${id}-community`}>{trans.__('Community')}</label>
            <input
              id={`${id}-community`}
              className="jp-mod-styled"
              placeholder={trans.__('any')}
              value={filters.community}
              onChange={event =>
                filter({ community: event.target.value.trim() })
              }
            />
          </div>
        )}
      </form>
      {error && (
        <p className="jp-vre-Zenodo-error" role="alert">
          {error}
        </p>
      )}
      {records && (
        <>
          <p role="status">
            {trans._n('%1 record', '%1 records', records.total)}
          </p>
          <ul className="jp-vre-ZenodoList">
            {records.items.map(record => (
              <RecordItem key={record.id} record={record} {...props} />
            ))}
          </ul>
          <Pager
            page={page}
            hasNext={page * records.size < records.total}
            onPage={which => void search(which)}
            trans={trans}
          />
        </>
      )}
      {communities && (
        <ul className="jp-vre-ZenodoList">
          {communities.length === 0 && (
            <li>{trans.__('No communities found.')}</li>
          )}
          {communities.map(c => (
            <li
              key={c.id}
              className="jp-vre-ZenodoItem"
              data-community={c.slug}
            >
              <span className="jp-vre-ZenodoItem-title">{c.title}</span>
              <code>{c.slug}</code>
              {c.description && <p>{c.description}</p>}
              <Button
                small
                minimal
                onClick={() => {
                  setKind('records');
                  filter({ community: c.slug });
                }}
              >
                {trans.__('Search its records')}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RecordItem(
  props: IZenodoViewProps & { record: IRecordSummary }
): JSX.Element {
  const { record, client, trans, onFetched, onInsert } = props;
  const [error, setError] = useState<string | null>(null);
  const [full, setFull] = useState<IRecord | null>(null);
  const [open, setOpen] = useState(false);

  const toggle = async () => {
    if (!open && !full) {
      try {
        setFull(await client.record(record.id));
      } catch (reason) {
        setError(asAPIError(reason).message);
        return;
      }
    }
    setOpen(!open);
  };

  const fetchFiles = async (files: string[]) => {
    const answer = await InputDialog.getText({
      title:
        files.length === 1
          ? trans.__('Fetch %1 to the workspace', files[0])
          : trans.__('Fetch the files of record %1', record.id),
      label: trans.__('Into this workspace folder'),
      text: recordFolder(record.id)
    });
    if (!answer.button.accept || !answer.value) {
      return;
    }
    setError(null);
    try {
      await client.fetch(record.id, answer.value, files);
      onFetched?.(answer.value);
    } catch (reason) {
      setError(asAPIError(reason).message);
    }
  };
  const cite = async () => {
    try {
      const loaded = full ?? (await client.record(record.id));
      copy(loaded.citation, trans.__('Citation copied.'));
    } catch (reason) {
      setError(asAPIError(reason).message);
    }
  };
  return (
    <li className="jp-vre-ZenodoItem" data-record={record.id}>
      <div className="jp-vre-ZenodoItem-head">
        <button
          className="jp-vre-ZenodoItem-title jp-vre-LinkButton"
          aria-expanded={open}
          onClick={() => void toggle()}
          title={trans.__('Show the files of %1', record.title)}
        >
          {record.title}
        </button>
        {record.version && (
          <span className="jp-vre-ZenodoState">{record.version}</span>
        )}
      </div>
      <p className="jp-vre-ZenodoItem-meta">
        {[
          record.resource_type,
          record.access_right,
          record.creators.join('; '),
          record.publication_date
        ]
          .filter(x => x)
          .join(' · ')}
      </p>
      {record.doi && (
        <a
          className="jp-vre-Zenodo-doi"
          href={record.doi_url ?? undefined}
          target="_blank"
          rel="noreferrer"
        >
          {record.doi}
        </a>
      )}
      <div className="jp-vre-ZenodoItem-actions">
        <Button small minimal onClick={() => void fetchFiles([])}>
          <downloadIcon.react tag="span" className="jp-vre-ButtonIcon" />
          {trans.__('Fetch all…')}
        </Button>
        {record.doi && (
          <Button
            small
            minimal
            onClick={() => copy(record.doi ?? '', trans.__('DOI copied.'))}
          >
            {trans.__('Copy DOI')}
          </Button>
        )}
        <Button small minimal onClick={() => void cite()}>
          {trans.__('Copy citation')}
        </Button>
      </div>
      {open && full && (
        <ul
          className="jp-vre-ZenodoFiles"
          aria-label={trans.__('Files of %1', record.title)}
        >
          {full.files.map(file => (
            <li key={file.name} data-file={file.name}>
              <span className="jp-vre-ZenodoFiles-name" title={file.name}>
                {file.name}
              </span>
              {file.size !== null && (
                <span className="jp-vre-ZenodoItem-meta">
                  {formatBytes(file.size)}
                </span>
              )}
              <ActionButton
                icon={downloadIcon}
                label={trans.__('Fetch to workspace…')}
                title={trans.__('Fetch %1 into the workspace', file.name)}
                onClick={() => void fetchFiles([file.name])}
              />
              {onInsert && file.url && (
                <ActionButton
                  icon={addBelowIcon}
                  label={trans.__('Insert into notebook')}
                  title={trans.__('Insert a cell that reads %1', file.name)}
                  onClick={() =>
                    onInsert({
                      recordId: record.id,
                      doi: record.doi,
                      name: file.name,
                      url: file.url ?? '',
                      folder: recordFolder(record.id)
                    })
                  }
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="jp-vre-Zenodo-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
