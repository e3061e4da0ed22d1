import type { JobResponse } from '@outpost/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { createJob } from '../../api/jobs';
import { hrefTo } from '../../app/router';
import { useSession } from '../../app/session';
import { JsonObjectField } from '../../components/json-object-field';
import { ErrorNotice } from '../../components/ui';
import { emptyJobForm, type JobForm as FormState, jobDraftOf } from './job-draft';
import { MatchPreview } from './MatchPreview';
import { useConditionTest } from './use-condition-test';

/** Creates a job over the devices of a condition that starts now: a twin update or a direct method. */
export function JobForm({ onCreated }: { onCreated(job: JobResponse): void }) {
  const { client } = useSession();
  const [form, setForm] = useState<FormState>(() => emptyJobForm());
  const [showProblems, setShowProblems] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const test = useConditionTest(form.condition, 'job');
  const { draft, problems } = jobDraftOf(form);
  const shown = showProblems ? problems : {};

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setShowProblems(true);
    if (!draft || test.state === 'error') return;
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await createJob(client, draft));
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };

  const hint = (id: string, problem: string | undefined, text: ReactNode) => (
    <div id={id} className={problem ? 'ops-field-error' : 'ops-hint'}>
      {problem ?? text}
    </div>
  );

  return (
    <form onSubmit={submit} noValidate className="card cfg-form" aria-labelledby="job-form-title">
      <h2 id="job-form-title">New job</h2>
      <div className="cfg-form-grid">
        <div>
          <div className="ops-field">
            <label htmlFor="job-id">Job id</label>
            <input
              id="job-id"
              value={form.jobId}
              onChange={(e) => set({ jobId: e.target.value })}
              spellCheck={false}
              aria-describedby="job-id-hint"
              aria-invalid={shown.jobId ? true : undefined}
            />
            {hint('job-id-hint', shown.jobId, 'Unique on this hub; up to 128 characters.')}
          </div>
          <div className="ops-field">
            <label htmlFor="job-condition">Devices where</label>
            <textarea
              id="job-condition"
              className="ops-json"
              rows={2}
              value={form.condition}
              onChange={(e) => set({ condition: e.target.value })}
              spellCheck={false}
              placeholder="tags.site = 'lisbon'"
              aria-describedby="job-condition-hint job-condition-match"
              aria-invalid={shown.condition || test.state === 'error' ? true : undefined}
            />
            {hint(
              'job-condition-hint',
              shown.condition,
              <>
                A WHERE expression without WHERE, e.g. <code>tags.site = 'lisbon' AND tags.floor = 1</code>,
                or <code>*</code>. The devices are chosen when the job starts.
              </>,
            )}
            <MatchPreview id="job-condition-match" test={test} />
          </div>
          <fieldset className="ops-fieldset">
            <legend>What the job does</legend>
            <label>
              <input
                type="radio"
                name="job-type"
                checked={form.type === 'scheduleUpdateTwin'}
                onChange={() => set({ type: 'scheduleUpdateTwin' })}
              />
              Update twins (desired properties, tags)
            </label>
            <label>
              <input
                type="radio"
                name="job-type"
                checked={form.type === 'scheduleDeviceMethod'}
                onChange={() => set({ type: 'scheduleDeviceMethod' })}
              />
              Call a direct method
            </label>
          </fieldset>
          <div className="ops-field">
            <label htmlFor="job-max">Maximum run time (seconds)</label>
            <input
              id="job-max"
              type="number"
              min={1}
              value={form.maxExecution}
              onChange={(e) => set({ maxExecution: e.target.value })}
              aria-describedby="job-max-hint"
              aria-invalid={shown.maxExecution ? true : undefined}
            />
            {hint(
              'job-max-hint',
              shown.maxExecution,
              'Devices not done by then are marked failed. The job starts now.',
            )}
          </div>
        </div>
        <div>
          {form.type === 'scheduleUpdateTwin' ? (
            <>
              <JsonObjectField
                label="Desired properties patch (JSON)"
                value={form.desiredText}
                onChange={(desiredText) => set({ desiredText })}
                hint='Merged into each twin, e.g. {"telemetryInterval": 30}; null removes a property.'
                error={shown.desired}
                rows={5}
                placeholder='{"telemetryInterval": 30}'
              />
              <JsonObjectField
                label="Tags patch (optional JSON)"
                value={form.tagsText}
                onChange={(tagsText) => set({ tagsText })}
                hint={'Merged into the tags of each twin, e.g. {"maintenance": "2024-q3"}.'}
                error={shown.tags}
                rows={3}
              />
            </>
          ) : (
            <>
              <div className="ops-field">
                <label htmlFor="job-method">Method name</label>
                <input
                  id="job-method"
                  list="job-method-names"
                  value={form.methodName}
                  onChange={(e) => set({ methodName: e.target.value })}
                  spellCheck={false}
                  aria-describedby="job-method-hint"
                  aria-invalid={shown.methodName ? true : undefined}
                />
                <datalist id="job-method-names">
                  <option value="reboot" />
                  <option value="factoryReset" />
                </datalist>
                {hint(
                  'job-method-hint',
                  shown.methodName,
                  'The method the devices implement, e.g. reboot or factoryReset.',
                )}
              </div>
              <div className="ops-field">
                <label htmlFor="job-payload">Payload (optional JSON)</label>
                <textarea
                  id="job-payload"
                  className="ops-json"
                  rows={3}
                  value={form.payloadText}
                  onChange={(e) => set({ payloadText: e.target.value })}
                  spellCheck={false}
                  placeholder='{"delay": 2}'
                  aria-describedby="job-payload-hint"
                  aria-invalid={shown.payload ? true : undefined}
                />
                {hint('job-payload-hint', shown.payload, 'Any JSON value; empty sends null.')}
              </div>
              <div className="ops-field">
                <label htmlFor="job-timeout">Response timeout (seconds)</label>
                <input
                  id="job-timeout"
                  type="number"
                  min={5}
                  max={300}
                  value={form.responseTimeout}
                  onChange={(e) => set({ responseTimeout: e.target.value })}
                  aria-describedby="job-timeout-hint"
                  aria-invalid={shown.responseTimeout ? true : undefined}
                />
                {hint(
                  'job-timeout-hint',
                  shown.responseTimeout,
                  'How long each device has to answer (5–300).',
                )}
              </div>
            </>
          )}
        </div>
      </div>
      <ErrorNotice error={error} title="The job was not created" />
      <div className="ops-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Starting…' : 'Start job'}
        </button>
        <a href={hrefTo('configure', 'jobs')}>Cancel</a>
      </div>
    </form>
  );
}
