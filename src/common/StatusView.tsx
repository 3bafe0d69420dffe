import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useState } from 'react';

import { Badge } from './ActionButton';
import { IExtensionStatus } from './connection';
import { asAPIError, VREAPIError } from './request';

export interface IStatusViewProps {
  /** Fetches the status; called on mount, on "Refresh" and every `refreshSeconds`. */
  load: () => Promise<IExtensionStatus>;
  trans: TranslationBundle;
  /** 0 turns periodic refresh off. */
  refreshSeconds?: number;
}

/** The status as last asked: loading, the answer, or why there was none. */
export type ExtensionStatusState =
  | { kind: 'loading' }
  | { kind: 'ready'; status: IExtensionStatus }
  | { kind: 'failed'; error: VREAPIError };

function describe(value: unknown): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (Array.isArray(value)) {
    return value.length > 0 ? value.map(describe).join(', ') : '—';
  }
  return String(value);
}

/** Ask for a server extension's status on mount, every `refreshSeconds` and on `refresh()`. */
export function useExtensionStatus(
  load: () => Promise<IExtensionStatus>,
  refreshSeconds = 0
): [ExtensionStatusState, () => Promise<void>] {
  const [state, setState] = useState<ExtensionStatusState>({
    kind: 'loading'
  });

  const refresh = useCallback(async () => {
    try {
      setState({ kind: 'ready', status: await load() });
    } catch (error) {
      setState({ kind: 'failed', error: asAPIError(error) });
    }
  }, [load]);

  useEffect(() => {
    void refresh();
    if (refreshSeconds <= 0) {
      return;
    }
    const timer = window.setInterval(
      () => void refresh(),
      refreshSeconds * 1000
    );
    return () => window.clearInterval(timer);
  }, [refresh, refreshSeconds]);
  return [state, refresh];
}

/** Shows what a server extension says about itself, or why it could not say. */
export function StatusView(props: IStatusViewProps): JSX.Element {
  const { load, trans, refreshSeconds = 0 } = props;
  const [state, refresh] = useExtensionStatus(load, refreshSeconds);
  return <StatusFacts state={state} refresh={refresh} trans={trans} />;
}

/** The facts of a status already asked for, with Refresh. */
export function StatusFacts(props: {
  state: ExtensionStatusState;
  refresh: () => Promise<void>;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, refresh, trans } = props;
  return (
    <div className="jp-vre-StatusView">
      {state.kind === 'loading' && (
        <p className="jp-vre-StatusView-loading">
          {trans.__('Checking the server…')}
        </p>
      )}
      {state.kind === 'failed' && (
        <div className="jp-vre-StatusView-error" role="alert">
          <strong>{trans.__('The server extension did not answer')}</strong>
          <p>{state.error.message}</p>
          <code>{state.error.code}</code>
        </div>
      )}
      {state.kind === 'ready' && (
        <dl className="jp-vre-StatusView-facts">
          <dt>{trans.__('State')}</dt>
          <dd>
            <Badge kind={state.status.configured ? 'success' : 'warning'}>
              {state.status.configured
                ? trans.__('Configured')
                : trans.__('Not configured')}
            </Badge>
          </dd>
          <dt>{trans.__('Details')}</dt>
          <dd className="jp-vre-StatusView-message">{state.status.message}</dd>
          {Object.entries(state.status.details).map(([key, value]) => (
            <React.Fragment key={key}>
              <dt>{key.replace(/_/g, ' ')}</dt>
              <dd>{describe(value)}</dd>
            </React.Fragment>
          ))}
          <dt>{trans.__('Server extension')}</dt>
          <dd>
            {state.status.extension} {state.status.version}
          </dd>
        </dl>
      )}
      <Button
        className="jp-vre-StatusView-refresh"
        minimal
        small
        onClick={() => void refresh()}
        title={trans.__('Ask the server again')}
      >
        {trans.__('Refresh')}
      </Button>
    </div>
  );
}
