import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import React, { useCallback, useState } from 'react';

import { IExtensionStatus } from './connection';
import { usePoll } from './polled';
import { asAPIError, VREAPIError } from './request';

export interface IStatusViewProps {
  /** Fetches the status; called on mount, on "Refresh" and every `refreshSeconds`. */
  load: () => Promise<IExtensionStatus>;
  trans: TranslationBundle;
  /** 0 turns periodic refresh off. */
  refreshSeconds?: number;
}

type State =
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

/** Shows what a server extension says about itself, or why it could not say. */
export function StatusView(props: IStatusViewProps): JSX.Element {
  const { load, trans, refreshSeconds = 0 } = props;
  const [state, setState] = useState<State>({ kind: 'loading' });

  const refresh = useCallback(async () => {
    try {
      setState({ kind: 'ready', status: await load() });
    } catch (error) {
      setState({ kind: 'failed', error: asAPIError(error) });
    }
  }, [load]);

  usePoll('jupyterlab-vre:extension-status', refresh, refreshSeconds);

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
          <dd
            className={
              state.status.configured
                ? 'jp-vre-StatusView-configured'
                : 'jp-vre-StatusView-unconfigured'
            }
          >
            {state.status.configured
              ? trans.__('Configured')
              : trans.__('Not configured')}
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
