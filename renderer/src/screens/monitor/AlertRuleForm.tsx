import type { AlertComparison, AlertRule, AlertRuleKind, AlertSeverity } from '@outpost/core';
import { type FormEvent, useId, useState } from 'react';
import { ruleIdOf, saveAlertRule } from '../../api/monitor';
import { useSession } from '../../app/session';
import { ErrorNotice } from '../../components/ui';

interface Draft {
  name: string;
  kind: AlertRuleKind;
  condition: string;
  silentMinutes: string;
  comparison: AlertComparison;
  threshold: string;
  severity: AlertSeverity;
}

const EMPTY: Draft = {
  name: '',
  kind: 'query',
  condition: '',
  silentMinutes: '15',
  comparison: '>',
  threshold: '0',
  severity: 'warning',
};

function draftOf(rule: AlertRule): Draft {
  return {
    name: rule.name,
    kind: rule.kind,
    condition: rule.condition ?? '',
    silentMinutes: String(rule.silentMinutes ?? 15),
    comparison: rule.comparison,
    threshold: String(rule.threshold),
    severity: rule.severity,
  };
}

/**
 * Creates a rule, or edits `editing`. The id of a new rule comes from its name; a name whose id is
 * taken is refused here rather than silently replacing another operator's rule.
 */
export function AlertRuleForm({
  editing,
  takenIds,
  onSaved,
  onCancel,
}: {
  editing: AlertRule | undefined;
  takenIds: ReadonlySet<string>;
  onSaved: (rule: AlertRule) => void;
  onCancel: () => void;
}) {
  const { client } = useSession();
  const [draft, setDraft] = useState<Draft>(() => (editing ? draftOf(editing) : EMPTY));
  const [error, setError] = useState<Error>();
  const [saving, setSaving] = useState(false);
  const hintId = useId();
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const id = editing?.id ?? ruleIdOf(draft.name);
    if (!id) return setError(new Error('Give the rule a name with at least one letter or digit.'));
    if (!editing && takenIds.has(id)) {
      return setError(new Error(`A rule with the id ${id} exists: edit it, or choose another name.`));
    }
    setSaving(true);
    setError(undefined);
    try {
      const rule = await saveAlertRule(client, id, {
        name: draft.name,
        kind: draft.kind,
        ...(draft.condition.trim() ? { condition: draft.condition } : {}),
        ...(draft.kind === 'silent' ? { silentMinutes: Number(draft.silentMinutes) } : {}),
        comparison: draft.comparison,
        threshold: Number(draft.threshold),
        severity: draft.severity,
      });
      onSaved(rule);
    } catch (err) {
      setError(err as Error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="mon-rule-form"
      onSubmit={(e) => void submit(e)}
      aria-label={editing ? `Edit rule ${editing.name}` : 'New alert rule'}
    >
      <h3>{editing ? `Edit rule “${editing.name}”` : 'New alert rule'}</h3>
      <label>
        Rule name
        <input value={draft.name} onChange={(e) => set('name', e.target.value)} required maxLength={120} />
      </label>
      <fieldset className="mon-kind">
        <legend>Devices to count</legend>
        <label className="mon-radio">
          <input
            type="radio"
            name="kind"
            checked={draft.kind === 'query'}
            onChange={() => set('kind', 'query')}
          />
          Devices matching a condition
        </label>
        <label className="mon-radio">
          <input
            type="radio"
            name="kind"
            checked={draft.kind === 'silent'}
            onChange={() => set('kind', 'silent')}
          />
          Devices not seen for a while
        </label>
      </fieldset>
      {draft.kind === 'silent' ? (
        <label>
          Not seen for (minutes)
          <input
            type="number"
            min={1}
            max={43200}
            value={draft.silentMinutes}
            onChange={(e) => set('silentMinutes', e.target.value)}
            required
          />
        </label>
      ) : null}
      <label>
        {draft.kind === 'silent' ? 'Only devices where (optional)' : 'Condition (WHERE)'}
        <input
          className="mono"
          value={draft.condition}
          onChange={(e) => set('condition', e.target.value)}
          required={draft.kind === 'query'}
          aria-describedby={hintId}
          placeholder="properties.reported.battery < 20"
          spellCheck={false}
        />
        <span id={hintId} className="muted small mon-hint">
          A twin query condition, e.g. <code>properties.reported.battery &lt; 20</code> or{' '}
          <code>tags.site = 'lisbon'</code>.
        </span>
      </label>
      <div className="row mon-threshold">
        <label>
          Fire when the count is
          <select
            value={draft.comparison}
            onChange={(e) => set('comparison', e.target.value as AlertComparison)}
          >
            <option value=">">more than</option>
            <option value=">=">at least</option>
            <option value="<">less than</option>
            <option value="<=">at most</option>
          </select>
        </label>
        <label>
          Threshold (devices)
          <input
            type="number"
            min={0}
            step={1}
            value={draft.threshold}
            onChange={(e) => set('threshold', e.target.value)}
            required
          />
        </label>
        <label>
          Severity
          <select value={draft.severity} onChange={(e) => set('severity', e.target.value as AlertSeverity)}>
            <option value="warning">warning</option>
            <option value="critical">critical</option>
          </select>
        </label>
      </div>
      <ErrorNotice error={error} title="The rule was not saved" />
      <div className="row">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : editing ? 'Save rule' : 'Create rule'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Close form
        </button>
      </div>
    </form>
  );
}
