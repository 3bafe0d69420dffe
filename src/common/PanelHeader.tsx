import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import { ISignal } from '@lumino/signaling';
import React, { useState } from 'react';

import { AuthModel, IAuthStatus, IServiceConnection } from './auth';
import { ServiceName } from './connection';
import { ConnectionView, CredentialForm } from './ConnectionView';
import { ExtensionStatusState, StatusFacts } from './StatusView';

/** The instance a panel works with, when it has a choice (Rucio). */
export interface IInstanceChoice {
  readonly instance: string | null;
  readonly changed: ISignal<unknown, void>;
}

export interface IPanelHeaderProps {
  title: string;
  auth: AuthModel;
  service: ServiceName;
  status: ExtensionStatusState;
  refreshStatus: () => Promise<void>;
  trans: TranslationBundle;
  instance?: IInstanceChoice;
  /** Shown inside the details, e.g. the instance picker. */
  details?: React.ReactNode;
}

function who(status: IAuthStatus | null): string | null {
  const identity = status?.identity;
  if (!identity) {
    return null;
  }
  return (
    identity.username ?? identity.name ?? identity.email ?? identity.subject
  );
}

/** What is wrong, with what to do, or null when all is well. */
export interface IProblem {
  headline: string;
  advice: string;
  /** The connection whose credentials would fix it. */
  connection?: IServiceConnection;
}

/** The first thing that keeps the panel from working, in the order a user would fix it. */
export function findProblem(
  auth: AuthModel,
  connection: IServiceConnection | null,
  status: ExtensionStatusState,
  trans: TranslationBundle
): IProblem | null {
  if (status.kind === 'failed') {
    return {
      headline: trans.__('The server extension did not answer'),
      advice: `${status.error.message} (${status.error.code})`
    };
  }
  if (status.kind === 'ready' && !status.status.configured) {
    return {
      headline: trans.__('Not configured'),
      advice: status.status.message
    };
  }
  if (!auth.status) {
    return auth.error
      ? {
          headline: trans.__('Cannot check your sign-in'),
          advice: auth.error.message
        }
      : null;
  }
  if (connection && !connection.connected) {
    return {
      headline: trans.__('Not connected to %1', connection.display_name),
      advice:
        connection.fields.length > 0
          ? trans.__('%1 Enter your credentials below.', connection.message)
          : connection.message,
      connection
    };
  }
  if (!auth.status.identity && !connection?.connected) {
    return {
      headline: trans.__('Not signed in'),
      advice:
        auth.status.token.error?.message ??
        trans.__(
          'This server has no IAM token for you. Log in to the hub again.'
        )
    };
  }
  return null;
}

/**
 * The panel's top line: title, then "user · instance ● state" as a button
 * that opens sign-in, connections and configuration. When something is
 * broken, what and what to do are shown below it, with the credential form.
 */
export function PanelHeader(props: IPanelHeaderProps): JSX.Element {
  const { title, auth, service, status, refreshStatus, trans, instance } =
    props;
  const [open, setOpen] = useState(false);
  const detailsId = `jp-vre-${service}-details`;
  return (
    <UseSignal signal={auth.changed}>
      {() => (
        <UseSignal signal={instance?.changed ?? auth.changed}>
          {() => {
            const connections = auth.connections(service);
            const connection =
              connections.find(c => c.instance === instance?.instance) ??
              connections[0] ??
              null;
            const problem = findProblem(auth, connection, status, trans);
            const user = who(auth.status);
            const ok = problem === null && status.kind === 'ready';
            const state = ok
              ? trans.__('connected')
              : problem
                ? trans.__('needs attention')
                : trans.__('checking…');
            return (
              <>
                <header className="jp-vre-Panel-header">
                  <h2>{title}</h2>
                  <button
                    type="button"
                    className="jp-vre-ConnectionLine"
                    aria-expanded={open}
                    aria-controls={detailsId}
                    title={trans.__('Sign-in, connections and configuration')}
                    onClick={() => setOpen(!open)}
                  >
                    {open ? (
                      <caretDownIcon.react tag="span" />
                    ) : (
                      <caretRightIcon.react tag="span" />
                    )}
                    <span className="jp-vre-ConnectionLine-text">
                      {user ?? trans.__('not signed in')}
                      {connection && ` · ${connection.display_name}`}
                    </span>
                    <span
                      className={`jp-vre-ConnectionLine-dot ${
                        ok
                          ? 'jp-mod-ok'
                          : problem
                            ? 'jp-mod-problem'
                            : 'jp-mod-unknown'
                      }`}
                      aria-hidden="true"
                    />
                    <span className="jp-vre-ConnectionLine-state">{state}</span>
                  </button>
                </header>
                {problem && (
                  <div className="jp-vre-Problem" role="alert">
                    <strong>{problem.headline}</strong>
                    <p>{problem.advice}</p>
                    {!open &&
                      problem.connection &&
                      problem.connection.fields.length > 0 && (
                        <CredentialForm
                          auth={auth}
                          connection={problem.connection}
                          trans={trans}
                        />
                      )}
                  </div>
                )}
                {open && (
                  <section
                    id={detailsId}
                    className="jp-vre-PanelDetails"
                    aria-label={trans.__(
                      'Sign-in, connections and configuration'
                    )}
                  >
                    {props.details}
                    <ConnectionView
                      auth={auth}
                      service={service}
                      trans={trans}
                    />
                    <StatusFacts
                      state={status}
                      refresh={refreshStatus}
                      trans={trans}
                    />
                  </section>
                )}
              </>
            );
          }}
        </UseSignal>
      )}
    </UseSignal>
  );
}
