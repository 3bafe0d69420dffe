import { InputDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  deleteIcon,
  historyIcon,
  refreshIcon
} from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useState } from 'react';

import { announce, keepFocus } from '../common/a11y';
import { ActionButton, Badge } from '../common/ActionButton';
import { confirmDestructive } from '../common/confirm';
import { MiddleEllipsis } from '../common/MiddleEllipsis';
import { asAPIError } from '../common/request';
import { formatBytes } from '../common/TasksView';
import { webUIUrl } from './actions';
import { RucioModel } from './model';
import { IMyRule, IQuotaList } from './service';

/** Which of the user's rules are listed. */
export type RuleFilter = 'all' | 'stuck' | 'expiring';

/** Rules expiring within this many days count as "expiring soon". */
export const EXPIRING_DAYS = 7;

/** How a rule's state looks as a badge. */
export function ruleBadge(
  state: string
): 'success' | 'info' | 'error' | 'warning' {
  switch (state) {
    case 'OK':
      return 'success';
    case 'REPLICATING':
    case 'INJECT':
      return 'info';
    case 'STUCK':
      return 'error';
    default:
      return 'warning';
  }
}

/** "in 3 days", "2 hours ago": how far a date is, in the browser's language. */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const format = new Intl.RelativeTimeFormat(navigator.language, {
    numeric: 'auto'
  });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60]
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return format.format(Math.round(seconds), 'second');
}

/**
 * "My rules": the user's replication rules with state, RSE, expiry and lock
 * counts; stuck and expiring filters; extend or remove; and the account's
 * usage against its quota per RSE. Folded until opened.
 */
export function RulesView(props: {
  model: RucioModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const [open, setOpen] = useState(false);
  return (
    <section className="jp-vre-RulesView" aria-label={trans.__('My rules')}>
      <h3>
        <button
          type="button"
          className="jp-vre-SectionToggle"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? (
            <caretDownIcon.react tag="span" />
          ) : (
            <caretRightIcon.react tag="span" />
          )}
          {trans.__('My rules and quota')}
        </button>
      </h3>
      {open && <RulesBody model={model} trans={trans} />}
    </section>
  );
}

function RulesBody(props: {
  model: RucioModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const instance = model.instance!;
  const [filter, setFilter] = useState<RuleFilter>('all');
  const [rules, setRules] = useState<IMyRule[] | null>(null);
  const [quota, setQuota] = useState<IQuotaList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [list, usage] = await Promise.all([
        model.service.myRules(instance.name, {
          state: filter === 'stuck' ? 'STUCK' : undefined,
          expiringDays: filter === 'expiring' ? EXPIRING_DAYS : undefined
        }),
        model.loadQuota()
      ]);
      setRules(list.rules);
      setQuota(usage);
    } catch (reason) {
      setError(asAPIError(reason).message);
    }
  }, [model, instance.name, filter]);

  useEffect(() => {
    setRules(null);
    void load();
  }, [load]);

  const extend = async (rule: IMyRule) => {
    const answer = await InputDialog.getNumber({
      title: trans.__('Extend rule on %1', rule.rse_expression),
      label: trans.__('Keep %1 for how many days from now?', rule.did),
      value: 30,
      okLabel: trans.__('Extend')
    });
    if (!answer.button.accept || !answer.value || answer.value < 1) {
      return;
    }
    const days = Math.round(answer.value);
    try {
      await model.service.extendRule(instance.name, rule.id, days);
      const said = trans.__('%1 is kept %2 more days', rule.did, days);
      setMessage(said);
      announce(said);
      await load();
    } catch (reason) {
      setMessage(asAPIError(reason).message);
    }
  };

  const remove = async (rule: IMyRule) => {
    const sure = await confirmDestructive({
      title: trans.__('Remove rule?'),
      body: trans.__(
        'Rucio will stop keeping %1 on %2, and delete its copies there that no other rule protects. Notebooks that use them there lose their data.',
        rule.did,
        rule.rse_expression
      ),
      accept: trans.__('Remove rule'),
      trans
    });
    if (!sure) {
      return;
    }
    try {
      await model.service.removeRule(instance.name, rule.id);
      const said = trans.__(
        'Removed the rule on %1 for %2',
        rule.rse_expression,
        rule.did
      );
      setMessage(said);
      announce(said);
      await model.refreshStates(
        model.rows.flatMap(row =>
          row.kind === 'did' && row.node.did === rule.did ? [row.node] : []
        )
      );
      await load();
    } catch (reason) {
      setMessage(asAPIError(reason).message);
    }
  };

  const filters: [RuleFilter, string][] = [
    ['all', trans.__('All')],
    ['stuck', trans.__('Stuck')],
    ['expiring', trans.__('Expiring within %1 days', EXPIRING_DAYS)]
  ];

  return (
    <div className="jp-vre-RulesBody">
      <div
        className="jp-vre-RulesFilter"
        role="group"
        aria-label={trans.__('Show rules')}
      >
        {filters.map(([value, label]) => (
          <button
            key={value}
            type="button"
            className="jp-vre-FilterChip"
            aria-pressed={filter === value}
            onClick={() => setFilter(value)}
          >
            {label}
          </button>
        ))}
        <ActionButton
          icon={refreshIcon}
          label={trans.__('Refresh rules')}
          iconOnly
          onClick={() => void load()}
        />
      </div>
      {error && (
        <p className="jp-vre-error" role="alert">
          {error}
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {rules === null && !error && <p>{trans.__('Loading your rules…')}</p>}
      {rules !== null && rules.length === 0 && (
        <p>
          {filter === 'stuck'
            ? trans.__('None of your rules is stuck.')
            : filter === 'expiring'
              ? trans.__(
                  'None of your rules expires within %1 days.',
                  EXPIRING_DAYS
                )
              : trans.__('You have no rules on this instance.')}
        </p>
      )}
      {rules !== null && rules.length > 0 && (
        <ul className="jp-vre-RuleList">
          {rules.map(rule => (
            <RuleRow
              key={rule.id}
              rule={rule}
              model={model}
              trans={trans}
              onExtend={extend}
              onRemove={remove}
            />
          ))}
        </ul>
      )}
      {quota && <QuotaTable quota={quota} model={model} trans={trans} />}
    </div>
  );
}

function RuleRow(props: {
  rule: IMyRule;
  model: RucioModel;
  trans: TranslationBundle;
  onExtend: (rule: IMyRule) => Promise<void>;
  onRemove: (rule: IMyRule) => Promise<void>;
}): JSX.Element {
  const { rule, model, trans } = props;
  const link = webUIUrl(model.instance, { rule: rule.id });
  const fallback = () =>
    document.querySelector<HTMLElement>('.jp-vre-RulesFilter button');
  return (
    <li className="jp-vre-Rule" data-rule={rule.id} data-state={rule.state}>
      <div className="jp-vre-Rule-head">
        <MiddleEllipsis className="jp-vre-Rule-did" text={rule.did} />
        <Badge kind={ruleBadge(rule.state)}>{rule.state}</Badge>
      </div>
      <div className="jp-vre-Rule-facts">
        <span title={trans.__('RSE expression')}>{rule.rse_expression}</span>
        <span
          title={trans.__(
            '%1 OK, %2 replicating, %3 stuck',
            rule.locks_ok,
            rule.locks_replicating,
            rule.locks_stuck
          )}
        >
          {trans.__(
            'locks %1 OK · %2 replicating · %3 stuck',
            rule.locks_ok,
            rule.locks_replicating,
            rule.locks_stuck
          )}
        </span>
        <span>
          {rule.expires_at
            ? trans.__(
                'expires %1 (%2)',
                relativeTime(rule.expires_at),
                new Date(rule.expires_at).toLocaleString()
              )
            : trans.__('never expires')}
        </span>
      </div>
      {rule.error && (
        <p className="jp-vre-Rule-error">
          {trans.__('Why it is stuck: %1', rule.error)}
        </p>
      )}
      <div className="jp-vre-Rule-actions">
        <ActionButton
          icon={historyIcon}
          label={trans.__('Extend…')}
          title={trans.__('Keep %1 longer', rule.did)}
          onClick={event =>
            void keepFocus(
              event.currentTarget,
              () => props.onExtend(rule),
              fallback
            )
          }
        />
        {link && (
          <a href={link} target="_blank" rel="noopener noreferrer">
            {trans.__('In the web UI')}
          </a>
        )}
        <span className="jp-vre-ActionBar-separator" />
        <ActionButton
          kind="destructive"
          icon={deleteIcon}
          label={trans.__('Remove…')}
          title={trans.__(
            'Remove the rule on %1 for %2',
            rule.rse_expression,
            rule.did
          )}
          onClick={event =>
            void keepFocus(
              event.currentTarget,
              () => props.onRemove(rule),
              fallback
            )
          }
        />
      </div>
    </li>
  );
}

function QuotaTable(props: {
  quota: IQuotaList;
  model: RucioModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { quota, model, trans } = props;
  const mounted = model.instance?.destination_rse;
  return (
    <table className="jp-vre-Quota">
      <caption>{trans.__('Usage of %1 against quota', quota.account)}</caption>
      <thead>
        <tr>
          <th scope="col">{trans.__('RSE')}</th>
          <th scope="col">{trans.__('Used')}</th>
          <th scope="col">{trans.__('Quota')}</th>
        </tr>
      </thead>
      <tbody>
        {quota.rses.map(entry => {
          const share =
            entry.limit_bytes && entry.limit_bytes > 0
              ? entry.used_bytes / entry.limit_bytes
              : null;
          return (
            <tr
              key={entry.rse}
              data-rse={entry.rse}
              className={entry.rse === mounted ? 'jp-mod-mounted' : ''}
            >
              <th scope="row">
                {entry.rse}
                {entry.rse === mounted && (
                  <span className="jp-vre-Quota-mounted">
                    {' '}
                    {trans.__('(mounted here)')}
                  </span>
                )}
              </th>
              <td>
                {formatBytes(entry.used_bytes)}
                {share !== null && (
                  <meter
                    min={0}
                    max={1}
                    low={0.8}
                    high={0.95}
                    optimum={0}
                    value={Math.min(1, share)}
                    aria-label={trans.__(
                      '%1 percent of the quota on %2',
                      Math.round(share * 100),
                      entry.rse
                    )}
                  />
                )}
              </td>
              <td>
                {entry.limit_bytes === null
                  ? trans.__('no limit')
                  : formatBytes(entry.limit_bytes)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
