import type { ConfigurationDocument } from '@outpost/core';
import type { ConfigurationDraft } from '../../api/configurations';
import { parseJsonObject } from '../../components/json-object-field';

/** The prefix of device content keys: each key sets one desired property. */
export const DESIRED_PREFIX = 'properties.desired.';

/** Most custom metrics a configuration has (service-api.md §3.5). */
export const MAX_METRICS = 5;

/** One custom metric row of the form. */
export interface MetricRow {
  key: number;
  name: string;
  query: string;
}

/** The form's text state. */
export interface ConfigurationForm {
  id: string;
  targetCondition: string;
  priority: string;
  desiredText: string;
  labelsText: string;
  metrics: MetricRow[];
}

/** An empty form, with an example the operator can overwrite. */
export function emptyForm(): ConfigurationForm {
  return {
    id: '',
    targetCondition: '',
    priority: '10',
    desiredText: '',
    labelsText: '',
    metrics: [],
  };
}

/** The form of an existing configuration (edit). */
export function formOf(doc: ConfigurationDocument): ConfigurationForm {
  return {
    id: doc.id,
    targetCondition: doc.targetCondition,
    priority: String(doc.priority),
    desiredText: JSON.stringify(desiredOf(doc.content.deviceContent), null, 2),
    labelsText: Object.keys(doc.labels).length ? JSON.stringify(doc.labels, null, 2) : '',
    metrics: Object.entries(doc.metrics.queries).map(([name, query], key) => ({ key, name, query })),
  };
}

/** `{"properties.desired.a": 1}` → `{a: 1}`, for display. */
export function desiredOf(deviceContent: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(deviceContent).map(([k, v]) => [
      k.startsWith(DESIRED_PREFIX) ? k.slice(DESIRED_PREFIX.length) : k,
      v,
    ]),
  );
}

/** `{a: 1, b: {c: 2}}` → `{"properties.desired.a": 1, "properties.desired.b": {c: 2}}`. */
export function deviceContentOf(desired: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(desired).map(([k, v]) => [`${DESIRED_PREFIX}${k}`, v]));
}

/** The metric queries of the form's rows that have a name or a query. */
export function metricQueriesOf(rows: readonly MetricRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.name.trim() !== '' || r.query.trim() !== '') out[r.name.trim()] = r.query;
  return out;
}

/** What is wrong with each field (absent when nothing), checked before the hub is asked. */
export interface FormProblems {
  id?: string;
  priority?: string;
  desired?: string;
  labels?: string;
  metrics?: string;
}

/** Checks the form and builds the draft to save, or says what is wrong. */
export function draftOf(form: ConfigurationForm): { draft?: ConfigurationDraft; problems: FormProblems } {
  const problems: FormProblems = {};
  if (form.id.trim() === '') problems.id = 'Enter an id, e.g. lisbon-fast-telemetry.';
  const priority = Number(form.priority);
  if (form.priority.trim() === '' || !Number.isInteger(priority) || priority < 0) {
    problems.priority = 'Enter a whole number, 0 or more (higher wins).';
  }
  const desired = parseJsonObject(form.desiredText, true);
  if (!desired.ok) problems.desired = desired.error;
  else if (Object.keys(desired.value ?? {}).length === 0)
    problems.desired = 'Set at least one desired property.';
  const labels = parseJsonObject(form.labelsText);
  if (!labels.ok) problems.labels = labels.error;
  else if (Object.values(labels.value ?? {}).some((v) => typeof v !== 'string')) {
    problems.labels = 'Label values are strings, e.g. {"purpose": "pilot"}.';
  }
  const names = form.metrics.map((m) => m.name.trim()).filter((n) => n !== '');
  if (form.metrics.some((m) => m.name.trim() === '' && m.query.trim() !== ''))
    problems.metrics = 'Name every metric.';
  else if (new Set(names).size !== names.length) problems.metrics = 'Metric names must differ.';
  if (Object.keys(problems).length) return { problems };
  return {
    problems,
    draft: {
      id: form.id.trim(),
      labels: (labels.ok && labels.value ? labels.value : {}) as Record<string, string>,
      targetCondition: form.targetCondition,
      priority,
      content: { deviceContent: deviceContentOf((desired.ok && desired.value) || {}) },
      metrics: { queries: metricQueriesOf(form.metrics) },
    },
  };
}
