import { TranslationBundle } from '@jupyterlab/translation';
import { Button, UseSignal } from '@jupyterlab/ui-components';
import React, { useId, useState } from 'react';

import { Badge } from './ActionButton';
import { AuthModel, IAuthStatus, IServiceConnection } from './auth';
import { ServiceName } from './connection';
import { asAPIError } from './request';

export interface IConnectionViewProps {
  auth: AuthModel;
  service: ServiceName;
  trans: TranslationBundle;
}

/** Who the user is, and whether each instance of one service is connected. */
export function ConnectionView(props: IConnectionViewProps): JSX.Element {
  const { auth, service, trans } = props;
  return (
    <section
      className="jp-vre-ConnectionView"
      aria-label={trans.__('Sign-in and connections')}
    >
      <UseSignal signal={auth.changed}>
        {() =>
          auth.status ? (
            <>
              <Identity status={auth.status} trans={trans} />
              {auth.error && (
                <p className="jp-vre-ConnectionView-error" role="alert">
                  {auth.error.message}
                </p>
              )}
              <ul className="jp-vre-ConnectionView-list">
                {auth.connections(service).map(connection => (
                  <Connection
                    key={connection.instance}
                    auth={auth}
                    connection={connection}
                    trans={trans}
                  />
                ))}
              </ul>
            </>
          ) : auth.error ? (
            <p className="jp-vre-ConnectionView-error" role="alert">
              {auth.error.message}
            </p>
          ) : (
            <p>{trans.__('Checking your sign-in…')}</p>
          )
        }
      </UseSignal>
    </section>
  );
}

function Identity(props: {
  status: IAuthStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { status, trans } = props;
  const { identity, token } = status;
  if (!identity) {
    return (
      <div className="jp-vre-ConnectionView-identity">
        <strong>{trans.__('Not signed in')}</strong>
        <p className="jp-vre-ConnectionView-detail">
          {token.error?.message ??
            trans.__('This server has no IAM token for you.')}
        </p>
      </div>
    );
  }
  const who =
    identity.username ?? identity.name ?? identity.email ?? identity.subject;
  const until = token.expires_at
    ? new Date(token.expires_at).toLocaleTimeString(undefined, {
        hour: '2-digit',
        minute: '2-digit'
      })
    : null;
  return (
    <div
      className="jp-vre-ConnectionView-identity"
      title={identity.issuer ?? ''}
    >
      <strong>{trans.__('Signed in as %1', who)}</strong>
      {until && (
        <p className="jp-vre-ConnectionView-detail">
          {token.refreshable
            ? trans.__('IAM token valid until %1, renewed automatically', until)
            : trans.__('IAM token valid until %1', until)}
        </p>
      )}
    </div>
  );
}

function sourceLabel(
  connection: IServiceConnection,
  trans: TranslationBundle
): string {
  switch (connection.source) {
    case 'iam':
      return trans.__('With your IAM login.');
    case 'user':
      return trans.__('With the credentials you entered.');
    case 'admin':
      return trans.__('With credentials from your hub admin.');
    default:
      return connection.message;
  }
}

export interface IConnectionProps {
  auth: AuthModel;
  connection: IServiceConnection;
  trans: TranslationBundle;
}

function Connection(props: IConnectionProps): JSX.Element {
  const { auth, connection, trans } = props;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const disconnect = async () => {
    setBusy(true);
    setError(null);
    try {
      await auth.clearCredential(connection.service, connection.instance);
    } catch (reason) {
      setError(asAPIError(reason).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="jp-vre-Connection" data-instance={connection.instance}>
      <div className="jp-vre-Connection-head">
        <span className="jp-vre-Connection-name">
          {connection.display_name}
        </span>
        <Badge
          kind={connection.connected ? 'success' : 'warning'}
          className="jp-vre-Connection-state"
        >
          {connection.connected
            ? trans.__('Connected')
            : trans.__('Not connected')}
        </Badge>
      </div>
      <p className="jp-vre-ConnectionView-detail">
        {connection.connected
          ? sourceLabel(connection, trans)
          : connection.message}
      </p>
      {!connection.connected && connection.fields.length > 0 && (
        <CredentialForm auth={auth} connection={connection} trans={trans} />
      )}
      {connection.connected && connection.source === 'user' && (
        <Button
          minimal
          small
          disabled={busy}
          onClick={() => void disconnect()}
          title={trans.__(
            'Forget the credentials you entered for %1',
            connection.display_name
          )}
        >
          {trans.__('Disconnect')}
        </Button>
      )}
      {error && (
        <p className="jp-vre-ConnectionView-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

const SECRET_FIELDS = new Set(['token', 'password']);

function fieldLabel(field: string, trans: TranslationBundle): string {
  switch (field) {
    case 'token':
      return trans.__('Access token');
    case 'username':
      return trans.__('Username');
    case 'password':
      return trans.__('Password');
    case 'proxy_path':
      return trans.__('Proxy certificate path');
    default:
      return field.replace(/_/g, ' ');
  }
}

/** Asks for an instance's credential; secrets leave its state when submitted. */
export function CredentialForm(props: IConnectionProps): JSX.Element {
  const { auth, connection, trans } = props;
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const complete = connection.fields.every(f => (values[f] ?? '').trim());

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const fields = values;
    setValues({});
    setBusy(true);
    setError(null);
    try {
      await auth.setCredential(connection.service, connection.instance, fields);
    } catch (reason) {
      setError(asAPIError(reason).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="jp-vre-CredentialForm"
      aria-label={trans.__('Credentials for %1', connection.display_name)}
      onSubmit={event => void submit(event)}
    >
      {connection.fields.map(field => (
        <React.Fragment key={field}>
          <label htmlFor={`${id}-${field}`}>{fieldLabel(field, trans)}</label>
          <input
            id={`${id}-${field}`}
            className="jp-vre-CredentialForm-input"
            type={SECRET_FIELDS.has(field) ? 'password' : 'text'}
            autoComplete="off"
            spellCheck={false}
            value={values[field] ?? ''}
            onChange={event => {
              const value = event.target.value;
              setValues(current => ({ ...current, [field]: value }));
            }}
          />
        </React.Fragment>
      ))}
      <Button type="submit" small disabled={busy || !complete}>
        {trans.__('Connect')}
      </Button>
      {error && (
        <p className="jp-vre-ConnectionView-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
