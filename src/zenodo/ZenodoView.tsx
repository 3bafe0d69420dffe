import { Clipboard, InputDialog, Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useId, useState } from 'react';

import { AuthModel } from '../common/auth';
import { asAPIError } from '../common/request';
import {
  ICommunity,
  IDeposition,
  IDepositionPage,
  IRecordPage,
  IRecordSummary,
  ZenodoClient
} from './api';

const PAGE_SIZE = 10;

export interface IZenodoViewProps {
  client: ZenodoClient;
  auth: AuthModel;
  trans: TranslationBundle;
  defaultCommunity: string | null;
  /** Open the publishing view on a draft (e.g. a new version). */
  onContinue: (draft: IDeposition) => void;
  /** Start a fetch of a record's files into a workspace folder (a task). */
  onFetched?: (folder: string) => void;
}

function copy(text: string, message: string): void {
  Clipboard.copyToSystem(text);
  Notification.success(message, { autoClose: 3000 });
}

/** The Zenodo panel's own part: the token check, the user's depositions, record search. */
export function ZenodoView(props: IZenodoViewProps): JSX.Element {
  const { auth, trans } = props;
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
      {connected ? (
        <>
          <TokenCheck {...props} />
          <Depositions {...props} />
        </>
      ) : (
        <p className="jp-vre-ZenodoView-hint">
          {trans.__(
            'Enter a Zenodo personal access token above (scopes deposit:write and deposit:actions) to publish.'
          )}
        </p>
      )}
      <Search {...props} />
    </div>
  );
}

/** Checks the saved token against Zenodo each time it is (re)connected. */
function TokenCheck(props: IZenodoViewProps): JSX.Element {
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
  return (
    <section
      className="jp-vre-ZenodoToken"
      aria-label={trans.__('Token check')}
    >
      {state === null ? (
        <p>{trans.__('Checking your Zenodo token…')}</p>
      ) : state.ok ? (
        <p className="jp-vre-ZenodoToken-ok">{state.message}</p>
      ) : (
        <div>
          <p className="jp-vre-Zenodo-error" role="alert">
            {state.message}
          </p>
          <Button small minimal onClick={() => void check()}>
            {trans.__('Check again')}
          </Button>
        </div>
      )}
    </section>
  );
}

function Depositions(props: IZenodoViewProps): JSX.Element {
  const { client, trans, onContinue } = props;
  const [page, setPage] = useState(1);
  const [listing, setListing] = useState<IDepositionPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (which: number) => {
    setError(null);
    try {
      setListing(await client.depositions(which, PAGE_SIZE));
      setPage(which);
    } catch (reason) {
      setError(asAPIError(reason).message);
    }
  };
  useEffect(() => {
    void load(1);
    const changed = () => void load(1);
    client.depositionsChanged.connect(changed);
    return () => {
      client.depositionsChanged.disconnect(changed);
    };
  }, [client]);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (reason) {
      setError(asAPIError(reason).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      className="jp-vre-ZenodoDepositions"
      aria-label={trans.__('Your depositions')}
    >
      <h3>{trans.__('Your depositions')}</h3>
      {error && (
        <p className="jp-vre-Zenodo-error" role="alert">
          {error}
        </p>
      )}
      {listing && listing.items.length === 0 && (
        <p>
          {trans.__(
            'None yet. Right-click a file or folder and choose "Publish to Zenodo…".'
          )}
        </p>
      )}
      <ul className="jp-vre-ZenodoList">
        {listing?.items.map(item => (
          <li
            key={item.id}
            className="jp-vre-ZenodoItem"
            data-deposition={item.id}
          >
            <div className="jp-vre-ZenodoItem-head">
              <span className="jp-vre-ZenodoItem-title">
                {item.title || trans.__('(untitled)')}
              </span>
              <span
                className={`jp-vre-ZenodoState ${item.published ? 'jp-mod-published' : 'jp-mod-draft'}`}
              >
                {item.published ? trans.__('Published') : trans.__('Draft')}
              </span>
            </div>
            {item.doi && (
              <a
                className="jp-vre-Zenodo-doi"
                href={item.doi_url ?? undefined}
                target="_blank"
                rel="noreferrer"
                title={trans.__('Open the DOI')}
              >
                {item.doi}
              </a>
            )}
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
                  <Button
                    small
                    minimal
                    onClick={() =>
                      copy(item.doi ?? '', trans.__('DOI copied.'))
                    }
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
                    minimal
                    disabled={busy}
                    onClick={() =>
                      void act(async () =>
                        onContinue(await client.deposition(item.id))
                      )
                    }
                  >
                    {trans.__('Continue…')}
                  </Button>
                  <Button
                    small
                    minimal
                    disabled={busy}
                    onClick={() => void act(() => client.discard(item.id))}
                  >
                    {trans.__('Discard')}
                  </Button>
                </>
              )}
            </div>
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
  const [community, setCommunity] = useState(defaultCommunity ?? '');
  const [page, setPage] = useState(1);
  const [records, setRecords] = useState<IRecordPage | null>(null);
  const [communities, setCommunities] = useState<ICommunity[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (which: number) => {
    setError(null);
    try {
      if (kind === 'records') {
        setRecords(await client.records(text, community, which, PAGE_SIZE));
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

  return (
    <section
      className="jp-vre-ZenodoSearch"
      aria-label={trans.__('Search Zenodo')}
    >
      <h3>{trans.__('Search Zenodo')}</h3>
      <form
        className="jp-vre-ZenodoSearch-form"
        onSubmit={event => {
          event.preventDefault();
          void search(1);
        }}
      >
        <select
          aria-label={trans.__('What to search')}
          value={kind}
          onChange={event => setKind(event.target.value as SearchKind)}
        >
          <option value="records">{trans.__('Records')}</option>
          <option value="communities">{trans.__('Communities')}</option>
        </select>
        <input
          aria-label={trans.__('Search text')}
          placeholder={trans.__('Words, or conceptrecid:123')}
          value={text}
          onChange={event => setText(event.target.value)}
        />
        {kind === 'records' && (
          <>
            <label htmlFor={`${id}-community`}>
              {trans.__('In community')}
            </label>
            <input
              id={`${id}-community`}
              placeholder={trans.__('any')}
              value={community}
              onChange={event => setCommunity(event.target.value.trim())}
            />
          </>
        )}
        <Button type="submit" small>
          {trans.__('Search')}
        </Button>
      </form>
      {error && (
        <p className="jp-vre-Zenodo-error" role="alert">
          {error}
        </p>
      )}
      {records && (
        <>
          <p>{trans._n('%1 record', '%1 records', records.total)}</p>
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
                  setCommunity(c.slug);
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
  const { record, client, trans, onFetched } = props;
  const [error, setError] = useState<string | null>(null);
  const fetchFiles = async () => {
    const answer = await InputDialog.getText({
      title: trans.__('Fetch the files of record %1', record.id),
      label: trans.__('Into this workspace folder'),
      text: `zenodo-${record.id}`
    });
    if (!answer.button.accept || !answer.value) {
      return;
    }
    setError(null);
    try {
      await client.fetch(record.id, answer.value);
      onFetched?.(answer.value);
    } catch (reason) {
      setError(asAPIError(reason).message);
    }
  };
  const cite = async () => {
    try {
      const full = await client.record(record.id);
      copy(full.citation, trans.__('Citation copied.'));
    } catch (reason) {
      setError(asAPIError(reason).message);
    }
  };
  return (
    <li className="jp-vre-ZenodoItem" data-record={record.id}>
      <div className="jp-vre-ZenodoItem-head">
        <span className="jp-vre-ZenodoItem-title">{record.title}</span>
        {record.version && (
          <span className="jp-vre-ZenodoState">{record.version}</span>
        )}
      </div>
      <p className="jp-vre-ZenodoItem-meta">
        {[record.creators.join('; '), record.publication_date]
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
        <Button small minimal onClick={() => void fetchFiles()}>
          {trans.__('Fetch files…')}
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
      {error && (
        <p className="jp-vre-Zenodo-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
