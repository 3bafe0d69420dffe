import { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard } from '@jupyterlab/apputils';
import { PageConfig, PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  caretDownIcon,
  caretRightIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useState } from 'react';

import { asAPIError } from '../common/request';
import { isActive, ITaskInfo } from '../common/tasks';
import { formatBytes } from '../common/TasksView';
import { AttachmentsView } from './AttachmentsView';
import { DIDNode, TreeRow } from './listing';
import { IDIDState, RucioModel } from './model';
import { DIDTypeFilter, IDIDDetails, IRuleInfo } from './service';
import { VirtualList } from './VirtualList';

export const ROW_HEIGHT = 28;

export interface IRucioViewProps {
  model: RucioModel;
  trans: TranslationBundle;
  /** Opens files in JupyterLab; none in tests. */
  app?: JupyterFrontEnd;
}

/** The Rucio panel's own part: instance, search, DID tree, actions, attachments. */
export function RucioView(props: IRucioViewProps): JSX.Element {
  const { model, trans } = props;
  useEffect(() => {
    void model.ready();
  }, [model]);
  return (
    <UseSignal signal={model.changed}>
      {() => (
        <div className="jp-vre-RucioView">
          <InstancePicker model={model} trans={trans} />
          {model.instance && (
            <>
              <SearchForm model={model} trans={trans} />
              <DIDBrowser {...props} />
            </>
          )}
          {model.notebooks && (
            <AttachmentsView notebooks={model.notebooks} trans={trans} />
          )}
        </div>
      )}
    </UseSignal>
  );
}

function InstancePicker(props: {
  model: RucioModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const auth = model.connection.auth;
  if (model.instancesError) {
    return (
      <p className="jp-vre-error" role="alert">
        {model.instancesError.message}
      </p>
    );
  }
  if (model.instances.length === 0) {
    return <p>{trans.__('No Rucio instance is configured.')}</p>;
  }
  const instance = model.instance;
  return (
    <div className="jp-vre-RucioView-instance">
      <label>
        {trans.__('Instance')}{' '}
        <select
          className="jp-mod-styled"
          value={instance?.name ?? ''}
          onChange={event => model.selectInstance(event.currentTarget.value)}
        >
          {model.instances.map(i => (
            <option key={i.name} value={i.name}>
              {i.display_name}
            </option>
          ))}
        </select>
      </label>
      <UseSignal signal={auth.changed}>
        {() => {
          const state = auth
            .connections('rucio')
            .find(c => c.instance === instance?.name);
          if (!state) {
            return null;
          }
          return (
            <p
              className={`jp-vre-RucioView-connection ${
                state.connected ? 'jp-mod-connected' : 'jp-mod-disconnected'
              }`}
            >
              {state.connected
                ? trans.__('Connected.')
                : trans.__(
                    'Not connected: %1 Use Sign-in and credentials above.',
                    state.message
                  )}
            </p>
          );
        }}
      </UseSignal>
      {instance && (
        <p className="jp-vre-RucioView-mode">
          {instance.mode === 'replica'
            ? trans.__(
                'Replica mode: data is made available on %1.',
                instance.destination_rse ?? '?'
              )
            : trans.__(
                'Download mode: data is downloaded into your workspace.'
              )}
        </p>
      )}
    </div>
  );
}

const TYPE_FILTERS: DIDTypeFilter[] = [
  'all',
  'container',
  'dataset',
  'file',
  'collection'
];

function typeFilterLabel(type: DIDTypeFilter, trans: TranslationBundle) {
  switch (type) {
    case 'all':
      return trans.__('All types');
    case 'container':
      return trans.__('Containers');
    case 'dataset':
      return trans.__('Datasets');
    case 'file':
      return trans.__('Files');
    case 'collection':
      return trans.__('Datasets and containers');
  }
}

function SearchForm(props: {
  model: RucioModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const [pattern, setPattern] = useState(model.query.pattern);
  const [type, setType] = useState<DIDTypeFilter>(model.query.type);
  return (
    <form
      className="jp-vre-RucioView-search"
      role="search"
      onSubmit={event => {
        event.preventDefault();
        if (pattern.trim()) {
          void model.search(pattern.trim(), type);
        }
      }}
    >
      <input
        className="jp-mod-styled"
        type="search"
        aria-label={trans.__('DID to search, as scope:name')}
        placeholder={trans.__('scope:name, * as wildcard')}
        value={pattern}
        onChange={event => setPattern(event.currentTarget.value)}
      />
      <select
        className="jp-mod-styled"
        aria-label={trans.__('Type of DID')}
        value={type}
        onChange={event => setType(event.currentTarget.value as DIDTypeFilter)}
      >
        {TYPE_FILTERS.map(t => (
          <option key={t} value={t}>
            {typeFilterLabel(t, trans)}
          </option>
        ))}
      </select>
      <Button type="submit" small>
        {trans.__('Search')}
      </Button>
    </form>
  );
}

function typeLetter(node: DIDNode, trans: TranslationBundle): [string, string] {
  switch (node.item.did_type) {
    case 'CONTAINER':
      return ['C', trans.__('Container')];
    case 'DATASET':
      return ['D', trans.__('Dataset')];
    default:
      return ['F', trans.__('File')];
  }
}

/** The state badge (and progress bar) of a DID, from its task or its known state. */
function StateBadge(props: {
  state: IDIDState;
  task: ITaskInfo | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { state, task, trans } = props;
  if (task && isActive(task)) {
    const { done, total } = task.progress;
    const known = total !== null && total > 0;
    return (
      <span className="jp-vre-DID-state jp-mod-replicating">
        <progress
          aria-label={trans.__('Progress of %1', task.title)}
          max={known ? total : undefined}
          value={known ? done : undefined}
        />
        {known ? `${done}/${total}` : trans.__('Starting')}
      </span>
    );
  }
  switch (state.state) {
    case 'available':
      return (
        <span className="jp-vre-DID-state jp-mod-available">
          {trans.__('Available')}
        </span>
      );
    case 'replicating': {
      const known = state.total !== undefined && state.total > 0;
      return (
        <span className="jp-vre-DID-state jp-mod-replicating">
          <progress
            aria-label={trans.__('Replication progress')}
            max={known ? state.total : undefined}
            value={known ? state.done : undefined}
          />
          {known ? `${state.done}/${state.total}` : trans.__('Replicating')}
        </span>
      );
    }
    case 'not_available':
      return (
        <span className="jp-vre-DID-state jp-mod-not-available">
          {trans.__('Not available')}
        </span>
      );
    case 'error':
      return (
        <span className="jp-vre-DID-state jp-mod-error" title={state.message}>
          {trans.__('Unknown')}
        </span>
      );
    default:
      return null;
  }
}

function DIDRow(props: {
  row: TreeRow;
  active: boolean;
  model: RucioModel;
  trans: TranslationBundle;
  onSelect: () => void;
}): JSX.Element {
  const { row, model, trans, active } = props;
  if (row.kind === 'more') {
    const { listing } = row;
    const indent = listing.depth * 14;
    return (
      <div className="jp-vre-DID jp-mod-more" style={{ paddingLeft: indent }}>
        {listing.error ? (
          <>
            <span className="jp-vre-error" role="alert">
              {listing.error.message}
            </span>
            <Button small minimal onClick={() => void listing.loadMore()}>
              {trans.__('Retry')}
            </Button>
          </>
        ) : (
          <span>{trans.__('Loading…')}</span>
        )}
      </div>
    );
  }
  const { node } = row;
  const [letter, typeName] = typeLetter(node, trans);
  const item = model.itemOf(node);
  return (
    <div
      className={`jp-vre-DID${active ? ' jp-mod-active' : ''}`}
      style={{ paddingLeft: node.depth * 14 }}
      data-did={node.did}
      onClick={props.onSelect}
      onDoubleClick={() => void model.toggle(node)}
    >
      {node.isCollection ? (
        <span
          className="jp-vre-DID-toggle"
          onClick={event => {
            event.stopPropagation();
            props.onSelect();
            void model.toggle(node);
          }}
        >
          {node.expanded ? (
            <caretDownIcon.react tag="span" />
          ) : (
            <caretRightIcon.react tag="span" />
          )}
        </span>
      ) : (
        <span className="jp-vre-DID-toggle" />
      )}
      <span className="jp-vre-DID-type" title={typeName}>
        {letter}
      </span>
      <span className="jp-vre-DID-name" title={node.did}>
        {node.depth > 0 ? item.name : node.did}
      </span>
      <span className="jp-vre-DID-size">
        {item.bytes !== null && item.bytes !== undefined
          ? formatBytes(item.bytes)
          : ''}
        {node.isCollection && item.length !== null && item.length !== undefined
          ? ` · ${trans._n('%1 file', '%1 files', item.length)}`
          : ''}
      </span>
      <StateBadge
        state={model.stateOf(node.did)}
        task={model.taskOf(node.did)}
        trans={trans}
      />
    </div>
  );
}

function DIDBrowser(props: IRucioViewProps): JSX.Element | null {
  const { model, trans } = props;
  const [active, setActive] = useState(-1);
  const rows = model.rows;
  const results = model.results;

  useEffect(() => setActive(-1), [results]);

  const onRendered = useCallback(
    (shown: readonly TreeRow[]) => {
      const nodes: DIDNode[] = [];
      for (const row of shown) {
        if (row.kind === 'did') {
          nodes.push(row.node);
        } else if (!row.listing.loading && !row.listing.error) {
          void row.listing.loadMore(); // the end of a listing came into view
        }
      }
      void model.ensureStates(nodes);
    },
    [model]
  );

  if (!results) {
    return (
      <p className="jp-vre-RucioView-hint">
        {trans.__('Search for data by scope:name, e.g. user.jdoe:*.')}
      </p>
    );
  }
  if (results.complete && results.nodes.length === 0 && !results.error) {
    return <p>{trans.__('Nothing matches %1.', model.query.pattern)}</p>;
  }

  const activeRow = rows[active];
  const selected = activeRow?.kind === 'did' ? activeRow.node : null;

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    const last = rows.length - 1;
    const row = rows[active];
    const node = row?.kind === 'did' ? row.node : null;
    switch (event.key) {
      case 'ArrowDown':
        setActive(Math.min(last, active + 1));
        break;
      case 'ArrowUp':
        setActive(Math.max(0, active - 1));
        break;
      case 'Home':
        setActive(0);
        break;
      case 'End':
        setActive(last);
        break;
      case 'ArrowRight':
        if (node?.isCollection && !node.expanded) {
          void model.toggle(node);
        }
        break;
      case 'ArrowLeft':
        if (node?.isCollection && node.expanded) {
          void model.toggle(node);
        }
        break;
      case 'Enter':
      case ' ':
        if (node?.isCollection) {
          void model.toggle(node);
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <>
      <UseSignal signal={model.statesChanged}>
        {() => (
          <VirtualList
            id="jp-vre-rucio-dids"
            label={trans.__('DIDs found')}
            items={rows}
            rowHeight={ROW_HEIGHT}
            active={active}
            itemKey={row => row.key}
            onRendered={onRendered}
            onKeyDown={onKeyDown}
            renderItem={(row, index, isActive) => (
              <DIDRow
                row={row}
                active={isActive}
                model={model}
                trans={trans}
                onSelect={() => setActive(index)}
              />
            )}
          />
        )}
      </UseSignal>
      {selected && (
        <UseSignal signal={model.statesChanged}>
          {() => <DIDActions {...props} node={selected} />}
        </UseSignal>
      )}
    </>
  );
}

/** The path of `local` relative to the Jupyter root, or null when outside it. */
export function underRoot(local: string, root: string): string | null {
  if (!root) {
    return null;
  }
  const base = root.replace(/\/+$/, '');
  if (!local.startsWith(`${base}/`)) {
    return null;
  }
  const relative = local.slice(base.length + 1);
  return relative.split('/').includes('..')
    ? null
    : PathExt.normalize(relative);
}

function DIDActions(props: IRucioViewProps & { node: DIDNode }): JSX.Element {
  const { model, trans, node, app } = props;
  const [message, setMessage] = useState<string | null>(null);
  const [details, setDetails] = useState<{
    details: IDIDDetails;
    rules: IRuleInfo[];
  } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setMessage(null);
    setDetails(null);
  }, [node]);
  useEffect(() => model.select(node), [node]); // what "Verify checksums" works on

  const instance = model.instance!;
  const state = model.stateOf(node.did);
  const task = model.taskOf(node.did);
  const running = task !== null && isActive(task);
  const path =
    !node.isCollection && state.state === 'available' ? state.path : undefined;
  const root = PageConfig.getOption('serverRoot');
  const openable = path ? underRoot(path, root) : null;
  const notebooks = model.notebooks;

  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setMessage(null);
    try {
      await what();
    } catch (error) {
      setMessage(asAPIError(error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      className="jp-vre-DIDActions"
      aria-label={trans.__('Actions on %1', node.did)}
    >
      <h4 title={node.did}>{node.did}</h4>
      <div className="jp-vre-DIDActions-buttons">
        {instance.mode === 'replica' && (
          <Button
            small
            disabled={busy || running || state.state === 'available'}
            onClick={() => void act(() => model.makeAvailable(node))}
          >
            {trans.__('Make available')}
          </Button>
        )}
        {instance.mode === 'download' && (
          <Button
            small
            disabled={busy || running}
            onClick={() => void act(() => model.download(node))}
          >
            {trans.__('Download')}
          </Button>
        )}
        {path && (
          <Button
            small
            minimal
            onClick={() => {
              Clipboard.copyToSystem(path);
              setMessage(trans.__('Copied %1', path));
            }}
          >
            {trans.__('Copy local path')}
          </Button>
        )}
        {openable && app && (
          <Button
            small
            minimal
            onClick={() =>
              void app.commands.execute('docmanager:open', { path: openable })
            }
          >
            {trans.__('Open')}
          </Button>
        )}
        {notebooks && (
          <Button
            small
            minimal
            disabled={!notebooks.currentPanel}
            title={
              notebooks.currentPanel
                ? trans.__('Attach to %1', notebooks.currentPanel.title.label)
                : trans.__('Open a notebook first')
            }
            onClick={() =>
              void act(() => notebooks.attach(instance.name, node.did))
            }
          >
            {trans.__('Attach to notebook')}
          </Button>
        )}
        <Button
          small
          minimal
          aria-expanded={details !== null}
          onClick={() =>
            details
              ? setDetails(null)
              : void act(async () => {
                  const [d, rules] = await Promise.all([
                    model.service.details(instance.name, node.did),
                    model.service.rules(instance.name, node.did)
                  ]);
                  setDetails({ details: d, rules });
                })
          }
        >
          {details ? trans.__('Hide details') : trans.__('Metadata and rules')}
        </Button>
        <Button small minimal onClick={() => void model.refreshStates([node])}>
          {trans.__('Refresh')}
        </Button>
      </div>
      {message && (
        <p className="jp-vre-DIDActions-message" role="status">
          {message}
        </p>
      )}
      {details && <Details {...details} trans={trans} />}
    </section>
  );
}

function Details(props: {
  details: IDIDDetails;
  rules: IRuleInfo[];
  trans: TranslationBundle;
}): JSX.Element {
  const { details, rules, trans } = props;
  const entries = Object.entries(details.metadata).filter(
    ([, value]) => value !== null && value !== ''
  );
  return (
    <div className="jp-vre-DIDDetails">
      <h5>{trans.__('Metadata')}</h5>
      {entries.length === 0 ? (
        <p>{trans.__('No metadata.')}</p>
      ) : (
        <dl>
          {entries.map(([key, value]) => (
            <React.Fragment key={key}>
              <dt>{key}</dt>
              <dd>{String(value)}</dd>
            </React.Fragment>
          ))}
        </dl>
      )}
      <h5>{trans.__('Rules')}</h5>
      {rules.length === 0 ? (
        <p>{trans.__('No rules.')}</p>
      ) : (
        <table className="jp-vre-DIDDetails-rules">
          <thead>
            <tr>
              <th>{trans.__('RSE')}</th>
              <th>{trans.__('State')}</th>
              <th>{trans.__('Locks OK/replicating/stuck')}</th>
              <th>{trans.__('Expires')}</th>
            </tr>
          </thead>
          <tbody>
            {rules.map(rule => (
              <tr key={rule.id}>
                <td>{rule.rse_expression}</td>
                <td>{rule.state}</td>
                <td>
                  {rule.locks_ok}/{rule.locks_replicating}/{rule.locks_stuck}
                </td>
                <td>{rule.expires_at ?? trans.__('never')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
