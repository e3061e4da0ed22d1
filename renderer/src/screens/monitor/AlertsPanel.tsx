import type { AlertRule, AlertState, AlertsNow } from '@outpost/core';
import { useState } from 'react';
import { deleteAlertRule } from '../../api/monitor';
import { hrefTo } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNotice } from '../../components/ui';
import { AlertRuleForm } from './AlertRuleForm';
import { ruleScope, ruleThreshold, stateWord } from './alert-text';

/** The count of firing rules, loud when any fire. */
export function FiringBadge({ alerts }: { alerts: AlertsNow | undefined }) {
  if (!alerts) return null;
  const n = alerts.firing;
  const critical = alerts.alerts.some((a) => a.firing && a.rule.severity === 'critical');
  return (
    // A button, not a link: `#alerts` would be taken for a route by the hash router.
    <button
      type="button"
      className={`mon-firing badge ${n === 0 ? 'badge-ok' : critical ? 'badge-bad' : 'badge-warn'}`}
      title="Go to the alert rules"
      onClick={() => {
        const list = document.getElementById('alerts');
        list?.scrollIntoView();
        list?.focus();
      }}
    >
      <span aria-hidden="true">{n === 0 ? '✓' : '!'}</span>
      {n === 0 ? 'No alerts firing' : `${n} ${n === 1 ? 'alert' : 'alerts'} firing`}
    </button>
  );
}

function AlertItem({
  alert,
  canEdit,
  onEdit,
  onDeleted,
}: {
  alert: AlertState;
  canEdit: boolean;
  onEdit: (rule: AlertRule) => void;
  onDeleted: () => void;
}) {
  const { client } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<Error>();
  const { rule } = alert;
  const word = stateWord(alert);
  const badge = alert.error
    ? 'badge-bad'
    : alert.firing
      ? word === 'critical'
        ? 'badge-bad'
        : 'badge-warn'
      : 'badge-ok';
  const more = alert.count - alert.deviceIds.length;

  const remove = async () => {
    try {
      await deleteAlertRule(client, rule.id);
      onDeleted();
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <li
      className={`mon-alert ${alert.firing ? 'mon-alert-firing' : ''}`}
      aria-label={`Alert rule ${rule.name}`}
    >
      <div className="mon-alert-head">
        <span className={`badge ${badge}`}>{word}</span>
        <strong>{rule.name}</strong>
        <span className="mon-alert-count">
          {alert.count} {alert.count === 1 ? 'device' : 'devices'}
        </span>
      </div>
      <div className="muted small">
        <code>{ruleScope(rule)}</code> · {ruleThreshold(rule)}
      </div>
      {alert.error ? <div className="mon-alert-error">The rule cannot run: {alert.error}</div> : null}
      {alert.firing && alert.deviceIds.length > 0 ? (
        <ul className="mon-id-list" aria-label={`Devices of ${rule.name}`}>
          {alert.deviceIds.map((id) => (
            <li key={id}>
              <a href={hrefTo('devices', id)}>{id}</a>
            </li>
          ))}
          {more > 0 ? <li className="muted">and {more} more</li> : null}
        </ul>
      ) : null}
      {canEdit ? (
        <div className="row mon-alert-actions">
          {confirming ? (
            <>
              <span>Delete the rule “{rule.name}” for every operator?</span>
              <button type="button" className="danger" onClick={() => void remove()}>
                Delete rule
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <>
              <button type="button" className="secondary" onClick={() => onEdit(rule)}>
                Edit <span className="sr-only">rule {rule.name}</span>
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(true)}>
                Delete… <span className="sr-only">rule {rule.name}</span>
              </button>
            </>
          )}
        </div>
      ) : null}
      <ErrorNotice error={error} title="The rule was not deleted" />
    </li>
  );
}

/** The alert rules, firing ones first; operators add, edit and delete them. */
export function AlertsPanel({ alerts, onChanged }: { alerts: AlertsNow | undefined; onChanged: () => void }) {
  const { can } = useSession();
  const canEdit = can('operator');
  const [form, setForm] = useState<{ editing?: AlertRule } | undefined>();
  const list = [...(alerts?.alerts ?? [])].sort(
    (a, b) => Number(b.firing) - Number(a.firing) || a.rule.name.localeCompare(b.rule.name),
  );
  const takenIds = new Set(list.map((a) => a.rule.id));

  return (
    <section className="card mon-alerts" id="alerts" tabIndex={-1} aria-labelledby="alerts-heading">
      <div className="mon-card-head">
        <h2 id="alerts-heading">Alert rules</h2>
        {canEdit && !form ? (
          <button type="button" onClick={() => setForm({})}>
            New alert rule
          </button>
        ) : null}
      </div>
      {form ? (
        <AlertRuleForm
          key={form.editing?.id ?? 'new'}
          editing={form.editing}
          takenIds={takenIds}
          onCancel={() => setForm(undefined)}
          onSaved={() => {
            setForm(undefined);
            onChanged();
          }}
        />
      ) : null}
      {alerts && list.length === 0 ? (
        <p className="muted">
          No alert rules yet.{' '}
          {canEdit
            ? 'A rule counts devices matching a condition (say, a low battery) or not seen for a while, and fires past a threshold.'
            : 'An operator can add them.'}
        </p>
      ) : null}
      <ul className="mon-alert-list">
        {list.map((a) => (
          <AlertItem
            key={a.rule.id}
            alert={a}
            canEdit={canEdit}
            onEdit={(rule) => setForm({ editing: rule })}
            onDeleted={onChanged}
          />
        ))}
      </ul>
    </section>
  );
}
