import { JupyterFrontEnd } from '@jupyterlab/application';
import { PageConfig, PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  addBelowIcon,
  copyIcon,
  downloadIcon,
  fileIcon,
  folderIcon,
  launchIcon,
  refreshIcon,
  searchIcon,
  tableRowsIcon,
  UseSignal,
  variableIcon
} from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useRef, useState } from 'react';

import {
  keepFocus,
  mainField,
  openContextMenuFromKeyboard
} from '../common/a11y';
import {
  ActionBar,
  ActionButton,
  ActionSeparator,
  Badge
} from '../common/ActionButton';
import { MiddleEllipsis, withoutScope } from '../common/MiddleEllipsis';
import { asAPIError } from '../common/request';
import { isActive, ITaskInfo } from '../common/tasks';
import { formatBytes } from '../common/TasksView';
import { makeAvailableBlocker, RucioActions, webUIUrl } from './actions';
import { AttachmentsView } from './AttachmentsView';
import { DIDNode, TreeRow } from './listing';
import { IDIDState, PAGE_SIZE, RucioModel } from './model';
import { MetadataList } from './MetadataList';
import { ruleBadge, RulesView } from './RulesView';
import { DIDTypeFilter, IDIDDetails, IRuleInfo } from './service';
import { VirtualList } from './VirtualList';

export const ROW_HEIGHT = 28;

/** Where the panel tells the header line which instance it works with. */
export interface IInstanceSink {
  set(instance: string | null): void;
}

export interface IRucioViewProps {
  model: RucioModel;
  trans: TranslationBundle;
  /** Opens files in JupyterLab; none in tests. */
  app?: JupyterFrontEnd;
  instanceSink?: IInstanceSink;
}

/** The Rucio panel's own part: search, results, actions, my rules, attachments. */
export function RucioView(props: IRucioViewProps): JSX.Element {
  const { model, trans, instanceSink } = props;
  useEffect(() => {
    void model.ready().then(() => {
      instanceSink?.set(model.instance?.name ?? null);
      void model.loadFilterKeys();
    });
  }, [model]);
  return (
    <UseSignal signal={model.changed}>
      {() => (
        <div className="jp-vre-RucioView">
          {model.instancesError ? (
            <p className="jp-vre-error" role="alert">
              {model.instancesError.message}
            </p>
          ) : model.instances.length === 0 ? (
            <p>{trans.__('No Rucio instance is configured.')}</p>
          ) : null}
          {model.instance && (
            <>
              <SearchForm model={model} trans={trans} />
              <DIDBrowser {...props} />
              <RulesView model={model} trans={trans} />
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

/** In the header's details: which instance, and how it brings data. */
export function RucioInstanceDetails(props: {
  model: RucioModel;
  trans: TranslationBundle;
  instanceSink?: IInstanceSink;
}): JSX.Element {
  const { model, trans, instanceSink } = props;
  return (
    <UseSignal signal={model.changed}>
      {() => {
        const instance = model.instance;
        if (model.instances.length === 0) {
          return <></>;
        }
        return (
          <div className="jp-vre-RucioView-instance">
            <label>
              {trans.__('Instance')}{' '}
              <select
                className="jp-mod-styled"
                value={instance?.name ?? ''}
                onChange={event => {
                  model.selectInstance(event.currentTarget.value);
                  instanceSink?.set(event.currentTarget.value);
                  void model.loadFilterKeys();
                }}
              >
                {model.instances.map(i => (
                  <option key={i.name} value={i.name}>
                    {i.display_name}
                  </option>
                ))}
              </select>
            </label>
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
      }}
    </UseSignal>
  );
}

const TYPE_FILTERS: DIDTypeFilter[] = [
  'collection',
  'dataset',
  'container',
  'file',
  'all'
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
  const [filter, setFilter] = useState(model.query.filter);
  const error = model.results?.error;
  const filterError =
    error && ['invalid_filter', 'filter_refused'].includes(error.code)
      ? error
      : null;
  const keys = model.filterKeys;
  return (
    <form
      className="jp-vre-RucioSearch"
      role="search"
      onSubmit={event => {
        event.preventDefault();
        if (pattern.trim()) {
          void model.search(pattern.trim(), type, filter.trim());
        }
      }}
    >
      <div className="jp-vre-RucioSearch-row">
        <input
          {...mainField}
          className="jp-mod-styled jp-vre-RucioSearch-pattern"
          type="search"
          aria-label={trans.__('DID to search, as scope:name')}
          placeholder={trans.__('scope:name, * as wildcard')}
          value={pattern}
          onChange={event => setPattern(event.currentTarget.value)}
        />
        <ActionButton
          kind="primary"
          icon={searchIcon}
          label={trans.__('Search')}
          iconOnly
          onClick={() => undefined}
          type="submit"
          className="jp-vre-RucioSearch-submit"
        />
      </div>
      <div className="jp-vre-RucioSearch-row">
        <select
          className="jp-mod-styled"
          aria-label={trans.__('Type of DID')}
          value={type}
          onChange={event =>
            setType(event.currentTarget.value as DIDTypeFilter)
          }
        >
          {TYPE_FILTERS.map(t => (
            <option key={t} value={t}>
              {typeFilterLabel(t, trans)}
            </option>
          ))}
        </select>
        <input
          className="jp-mod-styled jp-vre-RucioSearch-filter"
          type="text"
          spellCheck={false}
          aria-label={trans.__('Metadata filter')}
          aria-describedby="jp-vre-rucio-filter-help"
          aria-invalid={filterError !== null}
          placeholder={trans.__('Filter, e.g. datatype=AOD,length>2')}
          value={filter}
          onChange={event => setFilter(event.currentTarget.value)}
        />
      </div>
      {filterError && (
        <p className="jp-vre-RucioSearch-error" role="alert">
          {filterError.message}
        </p>
      )}
      <details
        className="jp-vre-RucioSearch-help"
        id="jp-vre-rucio-filter-help"
      >
        <summary>{trans.__('How to filter')}</summary>
        <p>
          {trans.__(
            'As `rucio list-dids --filter` takes them: key=value, key>number, 1<key<10; a comma for AND, a semicolon for OR.'
          )}
        </p>
        {keys && (
          <p>
            {trans.__('Keys this instance accepts: %1', keys.keys.join(', '))}
          </p>
        )}
      </details>
    </form>
  );
}

function typeIcon(node: DIDNode, trans: TranslationBundle) {
  switch (node.item.did_type) {
    case 'CONTAINER':
      return { icon: folderIcon, name: trans.__('Container') };
    case 'DATASET':
      return { icon: tableRowsIcon, name: trans.__('Dataset') };
    default:
      return { icon: fileIcon, name: trans.__('File') };
  }
}

/** A DID's availability in words, with a progress bar while it is being replicated. */
export function AvailabilityBadge(props: {
  state: IDIDState;
  task: ITaskInfo | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { state, task, trans } = props;
  const progress = (done?: number, total?: number | null) => {
    const known = total !== undefined && total !== null && total > 0;
    return (
      <Badge kind="info" className="jp-vre-DID-state">
        <progress
          aria-label={trans.__('Replication progress')}
          max={known ? total : undefined}
          value={known ? done : undefined}
        />
        {known ? `${done}/${total}` : trans.__('Starting')}
      </Badge>
    );
  };
  if (task && isActive(task) && state.state !== 'available') {
    return progress(task.progress.done, task.progress.total);
  }
  switch (state.state) {
    case 'available':
      return (
        <Badge kind="success" className="jp-vre-DID-state">
          {trans.__('Available')}
        </Badge>
      );
    case 'replicating':
      return progress(state.done, state.total);
    case 'not_available':
      return (
        <Badge kind="neutral" className="jp-vre-DID-state">
          {trans.__('Not available')}
        </Badge>
      );
    case 'error':
      return (
        <Badge
          kind="warning"
          className="jp-vre-DID-state"
          title={state.message}
        >
          {trans.__('Unknown')}
        </Badge>
      );
    default:
      return null;
  }
}

/** The scope every listed DID shares, so that rows need not repeat it. */
function sharedScope(rows: readonly TreeRow[]): string | null {
  let scope: string | null = null;
  for (const row of rows) {
    if (row.kind !== 'did') {
      continue;
    }
    if (scope === null) {
      scope = row.node.item.scope;
    } else if (scope !== row.node.item.scope) {
      return null;
    }
  }
  return scope;
}

function DIDRow(props: {
  row: TreeRow;
  active: boolean;
  selected: boolean;
  scope: string | null;
  model: RucioModel;
  actions: RucioActions;
  trans: TranslationBundle;
  onSelect: (event: React.MouseEvent) => void;
  onOpen: () => void;
}): JSX.Element {
  const { row, model, trans, active, selected, scope } = props;
  if (row.kind === 'more') {
    const { listing } = row;
    return (
      <div className="jp-vre-DID jp-mod-more">
        {listing.error ? (
          <>
            <span className="jp-vre-error">
              {trans.__('%1 Enter or click to retry.', listing.error.message)}
            </span>
            <span
              className="jp-vre-DID-rowAction"
              title={trans.__('Retry')}
              onClick={() => void listing.loadMore()}
            >
              <refreshIcon.react tag="span" />
            </span>
          </>
        ) : (
          <span>{trans.__('Loading…')}</span>
        )}
      </div>
    );
  }
  const { node } = row;
  const type = typeIcon(node, trans);
  const item = model.itemOf(node);
  const state = model.stateOf(node.did);
  const replica = model.instance?.mode === 'replica';
  return (
    <div
      className={`jp-vre-DID${active ? ' jp-mod-active' : ''}${
        selected ? ' jp-mod-selected' : ''
      }`}
      data-did={node.did}
      onClick={props.onSelect}
      onDoubleClick={props.onOpen}
      onContextMenu={event => {
        if (!selected) {
          props.onSelect(event);
        }
      }}
    >
      <type.icon.react
        tag="span"
        className="jp-vre-DID-type"
        title={type.name}
      />
      <MiddleEllipsis
        className="jp-vre-DID-name"
        text={withoutScope(node.did, scope)}
        title={node.did}
      />
      <span className="jp-vre-DID-size">
        {item.bytes !== null && item.bytes !== undefined
          ? formatBytes(item.bytes)
          : ''}
      </span>
      <span className="jp-vre-DID-files">
        {node.isCollection && item.length !== null && item.length !== undefined
          ? trans._n('%1 file', '%1 files', item.length)
          : ''}
      </span>
      <AvailabilityBadge
        state={state}
        task={model.taskOf(node.did)}
        trans={trans}
      />
      {/* Shortcuts for the mouse; the keyboard has the action bar and the context menu. */}
      <span className="jp-vre-DID-rowActions" aria-hidden="true">
        {replica && state.state === 'not_available' && (
          <span
            className="jp-vre-DID-rowAction"
            title={trans.__('Make available')}
            onClick={event => {
              event.stopPropagation();
              void props.actions.makeAvailable([node]);
            }}
          >
            <downloadIcon.react tag="span" />
          </span>
        )}
      </span>
    </div>
  );
}

function Breadcrumbs(props: {
  model: RucioModel;
  trans: TranslationBundle;
  onNavigate: () => void;
}): JSX.Element | null {
  const { model, trans, onNavigate } = props;
  const path = model.path;
  if (path.length === 0) {
    return null;
  }
  return (
    <nav className="jp-vre-Breadcrumbs" aria-label={trans.__('Location')}>
      <ol>
        <li>
          <button
            type="button"
            onClick={() => {
              model.goTo(0);
              onNavigate();
            }}
          >
            {trans.__('Results')}
          </button>
        </li>
        {path.map((node, depth) => (
          <li key={node.did}>
            {depth === path.length - 1 ? (
              <span aria-current="location" title={node.did}>
                <MiddleEllipsis text={node.item.name} title={node.did} />
              </span>
            ) : (
              <button
                type="button"
                title={node.did}
                onClick={() => {
                  model.goTo(depth + 1);
                  onNavigate();
                }}
              >
                <MiddleEllipsis text={node.item.name} title={node.did} />
              </button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

function DIDBrowser(props: IRucioViewProps): JSX.Element | null {
  const { model, trans, app } = props;
  const [active, setActive] = useState(-1);
  const [anchor, setAnchor] = useState(-1);
  const listRef = useRef<HTMLDivElement | null>(null);
  const actions = useRef(new RucioActions(model, trans, app)).current;
  const rows = model.rows;
  const listing = model.listing;

  useEffect(() => {
    setActive(-1);
    setAnchor(-1);
  }, [listing]);

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

  const results = model.results;
  if (!results) {
    return (
      <p className="jp-vre-RucioView-hint">
        {trans.__(
          'Search for data by scope:name, e.g. atlas_open:*; add a metadata filter to narrow it.'
        )}
      </p>
    );
  }
  if (
    results.complete &&
    results.nodes.length === 0 &&
    !results.error &&
    model.path.length === 0
  ) {
    return (
      <p role="status">
        {trans.__('Nothing matches %1.', model.query.pattern)}
      </p>
    );
  }

  const focusList = () => listRef.current?.focus();
  const nodeAt = (index: number) => {
    const row = rows[index];
    return row?.kind === 'did' ? row.node : null;
  };
  const selectRange = (from: number, to: number) => {
    const [lo, hi] = from < to ? [from, to] : [to, from];
    const dids: string[] = [];
    for (let i = lo; i <= hi; i++) {
      const node = nodeAt(i);
      if (node) {
        dids.push(node.did);
      }
    }
    model.select(dids);
  };
  const moveTo = (index: number, extend: boolean) => {
    setActive(index);
    const node = nodeAt(index);
    if (!node) {
      return;
    }
    if (extend && anchor >= 0) {
      selectRange(anchor, index);
    } else {
      setAnchor(index);
      model.select([node.did]);
    }
  };
  const openNode = (node: DIDNode | null) => {
    if (node?.isCollection) {
      void model.open(node);
      focusList();
    }
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    const last = rows.length - 1;
    const node = nodeAt(active);
    if (openContextMenuFromKeyboard(event, event.currentTarget)) {
      return;
    }
    switch (event.key) {
      case 'ArrowDown':
        moveTo(Math.min(last, active + 1), event.shiftKey);
        break;
      case 'ArrowUp':
        if (event.altKey && model.path.length > 0) {
          model.goTo(model.path.length - 1);
          break;
        }
        moveTo(Math.max(0, active - 1), event.shiftKey);
        break;
      case 'Home':
        moveTo(0, event.shiftKey);
        break;
      case 'End':
        moveTo(last, event.shiftKey);
        break;
      case 'Enter': {
        const row = rows[active];
        if (row?.kind === 'more') {
          void row.listing.loadMore();
        } else {
          openNode(node);
        }
        break;
      }
      case 'Backspace':
        if (model.path.length > 0) {
          model.goTo(model.path.length - 1);
        }
        break;
      case ' ':
        if (node) {
          model.toggleSelected(node.did);
        }
        break;
      case 'a':
        if (!(event.ctrlKey || event.metaKey)) {
          return;
        }
        selectRange(0, last);
        break;
      case 'Escape':
        model.select([]);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <div className="jp-vre-DIDBrowser">
      <Breadcrumbs model={model} trans={trans} onNavigate={focusList} />
      <div className="jp-vre-DIDColumns" aria-hidden="true">
        <span className="jp-vre-DID-type" />
        <span className="jp-vre-DID-name">{trans.__('Name')}</span>
        <span className="jp-vre-DID-size">{trans.__('Size')}</span>
        <span className="jp-vre-DID-files">{trans.__('Files')}</span>
        <span className="jp-vre-DID-stateHead">{trans.__('Availability')}</span>
      </div>
      <UseSignal signal={model.statesChanged}>
        {() => {
          const scope = sharedScope(rows);
          return (
            <VirtualList
              id="jp-vre-rucio-dids"
              className="jp-vre-DIDList"
              label={
                model.path.length > 0
                  ? trans.__(
                      'Content of %1',
                      model.path[model.path.length - 1].did
                    )
                  : trans.__('DIDs found')
              }
              items={rows}
              rowHeight={ROW_HEIGHT}
              active={active}
              listRef={listRef}
              isSelected={row =>
                row.kind === 'did' && model.isSelected(row.node.did)
              }
              itemKey={row => row.key}
              onRendered={onRendered}
              onKeyDown={onKeyDown}
              onFocus={() => {
                if (active < 0 && rows.length > 0) {
                  setActive(0);
                }
              }}
              renderItem={(row, index, isActive) => (
                <DIDRow
                  row={row}
                  active={isActive}
                  selected={
                    row.kind === 'did' && model.isSelected(row.node.did)
                  }
                  scope={scope}
                  model={model}
                  actions={actions}
                  trans={trans}
                  onSelect={event => {
                    setActive(index);
                    const node = nodeAt(index);
                    if (!node) {
                      return;
                    }
                    if (event.shiftKey && anchor >= 0) {
                      selectRange(anchor, index);
                    } else if (event.ctrlKey || event.metaKey) {
                      model.toggleSelected(node.did);
                      setAnchor(index);
                    } else {
                      model.select([node.did]);
                      setAnchor(index);
                    }
                  }}
                  onOpen={() => openNode(nodeAt(index))}
                />
              )}
            />
          );
        }}
      </UseSignal>
      <UseSignal signal={model.statesChanged}>
        {() => (
          <SelectionActions
            {...props}
            actions={actions}
            focusList={() => listRef.current}
          />
        )}
      </UseSignal>
    </div>
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

/** The deepest folder that holds all these paths. */
export function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) {
    return '';
  }
  const parts = paths.map(p => p.split('/').slice(0, -1));
  const first = parts[0];
  let depth = first.length;
  for (const other of parts) {
    let i = 0;
    while (i < depth && other[i] === first[i]) {
      i++;
    }
    depth = i;
  }
  return first.slice(0, depth).join('/') || '/';
}

/** Where an available DID is on the mount: a file's path, or the folder of a collection's files. */
export interface IMountPlace {
  path: string;
  /** A collection's file count; null for a file. */
  files: number | null;
}

/**
 * Paths of a collection's files on the mount, from the first page of its
 * listing and of up to five collections it holds (two levels down): enough
 * to name their folder without listing a large collection whole.
 */
async function sampledPaths(
  model: RucioModel,
  instance: string,
  did: string,
  depth = 0
): Promise<string[]> {
  const page = await model.service.content(
    instance,
    did,
    PAGE_SIZE,
    null,
    true
  );
  const paths = (page.availability ?? []).flatMap(file =>
    file.path ? [file.path] : []
  );
  if (depth < 2) {
    const inner = page.items.filter(item => item.did_type !== 'FILE');
    for (const item of inner.slice(0, 5)) {
      paths.push(
        ...(await sampledPaths(
          model,
          instance,
          `${item.scope}:${item.name}`,
          depth + 1
        ))
      );
    }
  }
  return paths;
}

function SelectionActions(
  props: IRucioViewProps & {
    actions: RucioActions;
    focusList: () => HTMLElement | null;
  }
): JSX.Element {
  const { model, trans, app, actions, focusList } = props;
  const selection = model.selection;
  const single = selection.length === 1 ? selection[0] : null;
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [mount, setMount] = useState<IMountPlace | null>(null);
  const instance = model.instance!;
  const state = single ? model.stateOf(single.did) : null;
  const notebooks = model.notebooks;

  useEffect(() => {
    setMessage(null);
  }, [single?.did, selection.length]);

  // Where an available DID lives on the mount: a file's path, a collection's folder.
  useEffect(() => {
    setMount(null);
    if (!single || state?.state !== 'available') {
      return;
    }
    if (!single.isCollection && state.path) {
      setMount({ path: state.path, files: null });
      return;
    }
    let cancelled = false;
    const where = async (): Promise<IMountPlace | null> => {
      // The server says whether the collection is whole on the mount, and how many files it has.
      const [answer] = await model.service.resolve([
        { instance: instance.name, did: single.did, variable: 'x' }
      ]);
      if (!answer?.paths_file || !answer.files) {
        return null;
      }
      const paths = await sampledPaths(model, instance.name, single.did);
      return paths.length
        ? { path: commonFolder(paths), files: answer.files }
        : null;
    };
    void where()
      .then(place => !cancelled && setMount(place))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [single?.did, state?.state]);

  const run = (
    event: React.MouseEvent<HTMLElement>,
    what: () => Promise<string | null>
  ) => {
    const origin = event.currentTarget;
    setBusy(true);
    void keepFocus(
      origin,
      async () => {
        try {
          const said = await what();
          if (said) {
            setMessage(said);
          }
        } catch (error) {
          setMessage(asAPIError(error).message);
        } finally {
          setBusy(false);
        }
      },
      focusList
    );
  };

  const blocker = makeAvailableBlocker(model, selection, trans);
  const root = PageConfig.getOption('serverRoot');
  const openable =
    single && !single.isCollection && mount
      ? underRoot(mount.path, root)
      : null;
  const noNotebook = !notebooks?.currentPanel
    ? trans.__('Open a notebook first')
    : null;
  const webUI = single ? webUIUrl(instance, { did: single.did }) : null;
  const totalBytes = selection.reduce(
    (sum, node) => sum + (model.itemOf(node).bytes ?? 0),
    0
  );

  return (
    <>
      <ActionBar
        sticky
        label={trans.__('Actions on the selected DIDs')}
        className="jp-vre-RucioActions"
      >
        <span className="jp-vre-RucioActions-count" aria-live="polite">
          {selection.length === 0
            ? trans.__('Nothing selected')
            : trans._n('%1 selected', '%1 selected', selection.length)}
        </span>
        {instance.mode === 'replica' ? (
          <ActionButton
            kind="primary"
            icon={downloadIcon}
            label={trans.__('Make available')}
            disabled={busy || blocker !== null}
            disabledReason={blocker ?? undefined}
            title={trans.__(
              'Ask Rucio for a copy on %1, the storage mounted here',
              instance.destination_rse ?? ''
            )}
            onClick={event =>
              run(event, () => actions.makeAvailable(selection))
            }
          />
        ) : (
          <ActionButton
            kind="primary"
            icon={downloadIcon}
            label={trans.__('Download')}
            disabled={busy || selection.length === 0}
            disabledReason={trans.__('Select one or more DIDs first.')}
            onClick={event => run(event, () => actions.download(selection))}
          />
        )}
        <ActionButton
          icon={variableIcon}
          label={trans.__('Attach…')}
          title={
            notebooks?.currentPanel
              ? trans.__(
                  'Attach to %1 as a variable',
                  notebooks.currentPanel.title.label
                )
              : undefined
          }
          disabled={busy || !single || noNotebook !== null}
          disabledReason={
            !single ? trans.__('Select one DID.') : (noNotebook ?? undefined)
          }
          onClick={event => run(event, () => actions.attach(single!))}
        />
        <ActionButton
          icon={addBelowIcon}
          label={trans.__('Insert into notebook')}
          iconOnly
          title={trans.__(
            'Attach if needed, and insert a code cell that uses it'
          )}
          disabled={busy || !single || noNotebook !== null}
          disabledReason={
            !single ? trans.__('Select one DID.') : (noNotebook ?? undefined)
          }
          onClick={event =>
            run(event, () => actions.insertIntoNotebook(single!))
          }
        />
        <ActionSeparator />
        <ActionButton
          icon={refreshIcon}
          label={trans.__('Refresh availability')}
          iconOnly
          disabled={selection.length === 0}
          disabledReason={trans.__('Select one or more DIDs first.')}
          onClick={event =>
            run(event, async () => {
              await model.refreshStates(selection);
              return null;
            })
          }
        />
      </ActionBar>
      {message && (
        <p className="jp-vre-RucioActions-message" role="status">
          {message}
        </p>
      )}
      {selection.length > 1 && (
        <p className="jp-vre-RucioSelection">
          {trans.__(
            '%1 DIDs selected, %2 in all',
            selection.length,
            formatBytes(totalBytes)
          )}
        </p>
      )}
      {single && (
        <DIDDetails
          node={single}
          model={model}
          trans={trans}
          mount={mount}
          openable={openable}
          app={app}
          webUI={webUI}
          actions={actions}
          onMessage={setMessage}
        />
      )}
    </>
  );
}

function DIDDetails(props: {
  node: DIDNode;
  model: RucioModel;
  trans: TranslationBundle;
  mount: IMountPlace | null;
  openable: string | null;
  app?: JupyterFrontEnd;
  webUI: string | null;
  actions: RucioActions;
  onMessage: (message: string) => void;
}): JSX.Element {
  const { node, model, trans, mount, openable, app, webUI, actions } = props;
  const [details, setDetails] = useState<{
    details: IDIDDetails;
    rules: IRuleInfo[];
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const instance = model.instance!;
  useEffect(() => {
    setDetails(null);
    setError(null);
    let cancelled = false;
    void Promise.all([
      model.service.details(instance.name, node.did),
      model.service.rules(instance.name, node.did)
    ])
      .then(([d, rules]) => {
        if (!cancelled) {
          setDetails({ details: d, rules });
        }
      })
      .catch(reason => !cancelled && setError(asAPIError(reason).message));
    return () => {
      cancelled = true;
    };
  }, [node.did, instance.name]);

  return (
    <section
      className="jp-vre-DIDDetails"
      aria-label={trans.__('Details of %1', node.did)}
    >
      <h3 className="jp-vre-DIDDetails-name">{node.did}</h3>
      {mount && (
        <div className="jp-vre-DIDDetails-mount">
          <span className="jp-vre-DIDDetails-label">
            {trans.__('On the mount')}
          </span>
          <code title={mount.path}>
            {mount.files === null
              ? mount.path
              : trans._n(
                  '%2 (%1 file)',
                  '%2 (%1 files)',
                  mount.files,
                  mount.path
                )}
          </code>
          <ActionButton
            icon={copyIcon}
            label={
              mount.files === null
                ? trans.__('Copy the path')
                : trans.__('Copy the folder')
            }
            iconOnly
            onClick={() =>
              props.onMessage(actions.copy(mount.path, mount.path))
            }
          />
          {openable && app && (
            <ActionButton
              icon={launchIcon}
              label={trans.__('Open')}
              iconOnly
              onClick={() =>
                void app.commands.execute('docmanager:open', {
                  path: openable
                })
              }
            />
          )}
        </div>
      )}
      {webUI && (
        <p>
          <a href={webUI} target="_blank" rel="noopener noreferrer">
            {trans.__('Open in the Rucio web UI')}
          </a>
        </p>
      )}
      {error && (
        <p className="jp-vre-error" role="alert">
          {error}
        </p>
      )}
      {details && (
        <>
          <MetadataList metadata={details.details.metadata} trans={trans} />
          <RulesOfDID rules={details.rules} instance={instance} trans={trans} />
        </>
      )}
    </section>
  );
}

function RulesOfDID(props: {
  rules: IRuleInfo[];
  instance: RucioModel['instance'];
  trans: TranslationBundle;
}): JSX.Element {
  const { rules, instance, trans } = props;
  if (rules.length === 0) {
    return <p>{trans.__('No rules keep this DID anywhere yet.')}</p>;
  }
  return (
    <table className="jp-vre-DIDDetails-rules">
      <caption>{trans.__('Rules')}</caption>
      <thead>
        <tr>
          <th scope="col">{trans.__('RSE')}</th>
          <th scope="col">{trans.__('State')}</th>
          <th scope="col">{trans.__('Locks')}</th>
          <th scope="col">{trans.__('Expires')}</th>
        </tr>
      </thead>
      <tbody>
        {rules.map(rule => {
          const link = webUIUrl(instance, { rule: rule.id });
          return (
            <tr key={rule.id}>
              <td>
                {link ? (
                  <a href={link} target="_blank" rel="noopener noreferrer">
                    {rule.rse_expression}
                  </a>
                ) : (
                  rule.rse_expression
                )}
              </td>
              <td>
                <Badge kind={ruleBadge(rule.state)}>{rule.state}</Badge>
              </td>
              <td
                title={trans.__(
                  '%1 OK, %2 replicating, %3 stuck',
                  rule.locks_ok,
                  rule.locks_replicating,
                  rule.locks_stuck
                )}
              >
                {rule.locks_ok}/{rule.locks_replicating}/{rule.locks_stuck}
              </td>
              <td>
                {rule.expires_at
                  ? new Date(rule.expires_at).toLocaleDateString()
                  : trans.__('never')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
