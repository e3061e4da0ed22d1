import type { ConfigurationDocument } from '@outpost/core';
import { type FormEvent, useMemo, useState } from 'react';
import { saveConfiguration } from '../../api/configurations';
import { hrefTo } from '../../app/router';
import { useSession } from '../../app/session';
import { JsonObjectField } from '../../components/json-object-field';
import { ErrorNotice } from '../../components/ui';
import {
  draftOf,
  emptyForm,
  type ConfigurationForm as FormState,
  formOf,
  metricQueriesOf,
} from './configuration-draft';
import { MatchPreview } from './MatchPreview';
import { MetricQueriesEditor } from './MetricQueriesEditor';
import { useConditionTest } from './use-condition-test';

/**
 * Creates a configuration, or edits one (`existing`): then the id and content are fixed (IoT Hub
 * refuses changed content: a new configuration is the way), the rest is saved with its etag.
 */
export function ConfigurationForm({
  existing,
  onSaved,
}: {
  existing?: ConfigurationDocument | undefined;
  onSaved(doc: ConfigurationDocument, created: boolean): void;
}) {
  const { client } = useSession();
  const [form, setForm] = useState<FormState>(() => (existing ? formOf(existing) : emptyForm()));
  // The etag as the form was opened: a change by someone else meanwhile is refused (412), not overwritten.
  const [etag] = useState(existing?.etag);
  const [showProblems, setShowProblems] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const metricQueries = useMemo(() => metricQueriesOf(form.metrics), [form.metrics]);
  const test = useConditionTest(form.targetCondition, 'configuration', metricQueries);
  const { draft, problems } = draftOf(form);
  const shown = showProblems ? problems : {};

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setShowProblems(true);
    if (!draft || test.state === 'error' || form.targetCondition.trim() === '') return;
    setBusy(true);
    setError(undefined);
    try {
      onSaved(await saveConfiguration(client, draft, etag), !existing);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="card cfg-form" aria-labelledby="cfg-form-title">
      <h2 id="cfg-form-title">{existing ? `Edit configuration ${existing.id}` : 'New configuration'}</h2>
      <div className="cfg-form-grid">
        <div>
          <div className="ops-field">
            <label htmlFor="cfg-id">Configuration id</label>
            <input
              id="cfg-id"
              value={form.id}
              onChange={(e) => set({ id: e.target.value })}
              disabled={!!existing}
              spellCheck={false}
              aria-invalid={shown.id ? true : undefined}
              aria-describedby="cfg-id-hint"
            />
            <div id="cfg-id-hint" className={shown.id ? 'ops-field-error' : 'ops-hint'}>
              {shown.id ??
                'Lower case, up to 128 characters, no spaces or & ^ [ ] { } \\ | " < > /. It cannot change later.'}
            </div>
          </div>
          <div className="ops-field">
            <label htmlFor="cfg-condition">Target condition</label>
            <textarea
              id="cfg-condition"
              className="ops-json"
              rows={2}
              value={form.targetCondition}
              onChange={(e) => set({ targetCondition: e.target.value })}
              spellCheck={false}
              placeholder="tags.site = 'lisbon' AND tags.type = 'thermostat'"
              aria-describedby="cfg-condition-hint cfg-condition-match"
              aria-invalid={test.state === 'error' ? true : undefined}
            />
            <div id="cfg-condition-hint" className="ops-hint">
              A WHERE expression on tags or reported properties, or <code>*</code> for every device.
            </div>
            <MatchPreview id="cfg-condition-match" test={test} />
          </div>
          <div className="ops-field">
            <label htmlFor="cfg-priority">Priority</label>
            <input
              id="cfg-priority"
              type="number"
              min={0}
              step={1}
              value={form.priority}
              onChange={(e) => set({ priority: e.target.value })}
              aria-describedby="cfg-priority-hint"
              aria-invalid={shown.priority ? true : undefined}
            />
            <div id="cfg-priority-hint" className={shown.priority ? 'ops-field-error' : 'ops-hint'}>
              {shown.priority ??
                'Where two configurations set the same property on a device, the higher priority wins.'}
            </div>
          </div>
          <JsonObjectField
            label="Labels (optional JSON)"
            value={form.labelsText}
            onChange={(labelsText) => set({ labelsText })}
            hint='Strings for your own bookkeeping, e.g. {"purpose": "pilot"}.'
            error={shown.labels}
            rows={2}
          />
        </div>
        <div>
          <JsonObjectField
            label="Desired properties (JSON)"
            value={form.desiredText}
            onChange={(desiredText) => set({ desiredText })}
            hint={
              existing
                ? 'The content of a configuration cannot change: create a new configuration (with a higher priority) instead.'
                : 'Each top-level member becomes content.deviceContent["properties.desired.<name>"], e.g. {"telemetryInterval": 30}; null removes a property.'
            }
            error={shown.desired}
            rows={6}
            disabled={!!existing}
            placeholder='{"telemetryInterval": 30}'
          />
        </div>
      </div>
      <MetricQueriesEditor
        rows={form.metrics}
        onChange={(metrics) => set({ metrics })}
        errors={test.metricErrors}
        problem={shown.metrics}
      />
      <ErrorNotice error={error} title="The configuration was not saved" />
      <div className="ops-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : existing ? 'Save changes' : 'Create configuration'}
        </button>
        <a href={hrefTo('configure', 'configurations')}>Cancel</a>
      </div>
    </form>
  );
}
