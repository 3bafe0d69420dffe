import { TranslationBundle } from '@jupyterlab/translation';
import { Button, HTMLSelect } from '@jupyterlab/ui-components';
import React, { useCallback, useState } from 'react';

import { AuthModel } from '../common/auth';
import { asAPIError } from '../common/request';
import { ISecret, ReanaClient, SecretSource } from './api';

/** What the server lets become a REANA secret (reana_ext.service.FORWARDABLE). */
const FORWARDABLE = new Set([
  'rucio:username',
  'rucio:password',
  'zenodo:token'
]);

interface ISourceOption {
  label: string;
  source: SecretSource;
}

/** The credentials this server holds that can become REANA secrets, by label. */
export function secretSources(
  auth: AuthModel,
  trans: TranslationBundle
): ISourceOption[] {
  const options: ISourceOption[] = [];
  if (auth.status?.identity) {
    options.push({
      label: trans.__('IAM token for Rucio'),
      source: { kind: 'iam', audience: 'rucio' }
    });
  }
  for (const connection of auth.status?.services ?? []) {
    if (!connection.connected || connection.auth === 'iam') {
      continue;
    }
    for (const field of connection.fields) {
      if (!FORWARDABLE.has(`${connection.service}:${field}`)) {
        continue;
      }
      options.push({
        label: `${connection.display_name}: ${field.replace('_', ' ')}`,
        source: {
          kind: 'credential',
          service: connection.service,
          instance: connection.instance,
          field
        }
      });
    }
  }
  return options;
}

/**
 * The user's REANA secrets, and a form that makes one from a credential the
 * Jupyter server holds (e.g. a Rucio password or an IAM token for `rucio: true`
 * steps): the browser sends only the secret's name and where to take it from.
 */
export function SecretsView(props: {
  client: ReanaClient;
  auth: AuthModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { client, auth, trans } = props;
  const [secrets, setSecrets] = useState<ISecret[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [choice, setChoice] = useState(0);
  const options = secretSources(auth, trans);

  const run = useCallback(
    async (action: () => Promise<{ secrets: ISecret[] }>) => {
      try {
        setSecrets((await action()).secrets);
        setError(null);
      } catch (reason) {
        setError(asAPIError(reason).message);
      }
    },
    []
  );
  return (
    <details
      className="jp-vre-ReanaSecrets"
      onToggle={event => {
        if ((event.target as HTMLDetailsElement).open) {
          void run(() => client.secrets());
        }
      }}
    >
      <summary>{trans.__('Secrets')}</summary>
      {error && (
        <p className="jp-vre-ReanaView-error" role="alert">
          {error}
        </p>
      )}
      {secrets && secrets.length === 0 && <p>{trans.__('No secrets.')}</p>}
      <ul className="jp-vre-ReanaFiles">
        {(secrets ?? []).map(secret => (
          <li key={secret.name}>
            <span>{secret.name}</span>{' '}
            <span className="jp-vre-ReanaFiles-size">{secret.type}</span>{' '}
            <Button
              small
              minimal
              title={trans.__('Delete the secret %1', secret.name)}
              onClick={() => void run(() => client.deleteSecret(secret.name))}
            >
              {trans.__('Delete')}
            </Button>
          </li>
        ))}
      </ul>
      {options.length > 0 ? (
        <div className="jp-vre-ReanaWorkflows-filters">
          <input
            className="jp-mod-styled"
            aria-label={trans.__('Secret name')}
            placeholder={trans.__('NAME')}
            value={name}
            onChange={event => setName(event.target.value)}
          />
          <HTMLSelect
            aria-label={trans.__('Secret value from')}
            value={String(choice)}
            onChange={event => setChoice(Number(event.target.value))}
          >
            {options.map((option, index) => (
              <option key={option.label} value={index}>
                {option.label}
              </option>
            ))}
          </HTMLSelect>
          <Button
            small
            disabled={!name}
            onClick={() =>
              void run(() => client.addSecret(name, options[choice].source))
            }
          >
            {trans.__('Add secret')}
          </Button>
        </div>
      ) : (
        <p>
          {trans.__('Connect a service to make a secret of its credential.')}
        </p>
      )}
    </details>
  );
}
