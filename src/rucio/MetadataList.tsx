import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { formatBytes } from '../common/TasksView';

type MetadataValue = string | number | boolean | null;

/** Rucio's bookkeeping keys, not what a user looks for first. */
const HIDDEN = new Set([
  'scope',
  'name',
  'account',
  'did_type',
  'is_new',
  'purge_replicas',
  'hidden',
  'obsolete',
  'complete',
  'monotonic',
  'suppressed',
  'deleted_at',
  'expired_at',
  'closed_at',
  'eol_at',
  'accessed_at',
  'access_cnt',
  'is_archive',
  'constituent',
  'availability'
]);

const DATE_KEYS = /(_at|_date)$/;

/** A metadata key in words: `run_number` → "Run number". */
export function keyLabel(key: string): string {
  const words = key.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A metadata value in words: sizes in bytes, dates in the browser's language. */
export function valueText(
  key: string,
  value: MetadataValue,
  trans: TranslationBundle
): string {
  if (typeof value === 'boolean') {
    return value ? trans.__('yes') : trans.__('no');
  }
  if (key === 'bytes' && typeof value === 'number') {
    return formatBytes(value);
  }
  if (DATE_KEYS.test(key) && typeof value === 'string') {
    const date = new Date(value);
    return isNaN(date.getTime()) ? value : date.toLocaleString();
  }
  if (typeof value === 'number') {
    return value.toLocaleString();
  }
  return String(value);
}

/** A DID's metadata as a readable list: set values only, bookkeeping last and folded. */
export function MetadataList(props: {
  metadata: Record<string, MetadataValue>;
  trans: TranslationBundle;
}): JSX.Element {
  const { metadata, trans } = props;
  const set = Object.entries(metadata).filter(
    ([, value]) => value !== null && value !== ''
  );
  const shown = set
    .filter(([key]) => !HIDDEN.has(key))
    .sort(([a], [b]) => a.localeCompare(b));
  const other = set.filter(([key]) => HIDDEN.has(key));
  const list = (entries: [string, MetadataValue][]) => (
    <dl className="jp-vre-Metadata">
      {entries.map(([key, value]) => (
        <React.Fragment key={key}>
          <dt title={key}>{keyLabel(key)}</dt>
          <dd>{valueText(key, value, trans)}</dd>
        </React.Fragment>
      ))}
    </dl>
  );
  return (
    <div className="jp-vre-MetadataList">
      <h4>{trans.__('Metadata')}</h4>
      {shown.length === 0 ? <p>{trans.__('No metadata.')}</p> : list(shown)}
      {other.length > 0 && (
        <details>
          <summary>{trans.__('Rucio bookkeeping')}</summary>
          {list(other)}
        </details>
      )}
    </div>
  );
}
