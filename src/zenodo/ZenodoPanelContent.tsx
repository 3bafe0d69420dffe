import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useState } from 'react';

import { IVREConnection } from '../common/connection';
import { IDeposition, ZenodoClient } from './api';
import { ZenodoView } from './ZenodoView';

export interface IZenodoPanelContentProps {
  client: ZenodoClient;
  connection: IVREConnection;
  trans: TranslationBundle;
  onContinue: (draft: IDeposition) => void;
}

/** The admin's default community (`c.ZenodoExtension.default_community`), from the status. */
export async function defaultCommunity(
  connection: IVREConnection
): Promise<string | null> {
  try {
    const status = await connection.status('zenodo');
    const value = status.details.default_community;
    return typeof value === 'string' && value ? value : null;
  } catch {
    return null;
  }
}

/** The Zenodo view, once the admin's default community is known. */
export function ZenodoPanelContent(
  props: IZenodoPanelContentProps
): JSX.Element {
  const { client, connection, trans, onContinue } = props;
  const [community, setCommunity] = useState<string | null | undefined>(
    undefined
  );
  useEffect(() => {
    void defaultCommunity(connection).then(setCommunity);
  }, [connection]);
  if (community === undefined) {
    return <p>{trans.__('Loading…')}</p>;
  }
  return (
    <ZenodoView
      client={client}
      auth={connection.auth}
      trans={trans}
      defaultCommunity={community}
      onContinue={onContinue}
      onFetched={() => void connection.tasks.refresh()}
    />
  );
}
