/**
 * The body of `PUT /configurations/{id}`, checked and normalised. The SDK's update resends the
 * whole object as read back (systemMetrics, etag, createdTimeUtc, metrics.results): read-only
 * members are ignored, not refused (service-api.md §2.7).
 */
import { z } from 'zod';
import { HubError } from '../errors';
import { checkSection } from '../twins/limits';
import { contentEntries, setAt } from './desired-content';

/** At most 5 custom metrics per configuration (service-api.md §3.5, query-language.md §4). */
export const MAX_CUSTOM_METRICS = 5;

/** Labels are case-sensitive strings of up to 128 characters, keys and values alike (SDK docs). */
export const MAX_LABEL_LENGTH = 128;

/** The largest priority: IoT Hub's priority is a 32-bit integer. */
export const MAX_PRIORITY = 2_147_483_647;

const record = <T extends z.ZodType>(value: T) => z.record(z.string(), value).nullable().optional();

const inputSchema = z
  .object({
    id: z.string().optional(),
    schemaVersion: z.string().nullable().optional(),
    labels: record(z.string()),
    content: z
      .object({
        deviceContent: record(z.unknown()),
        modulesContent: record(z.unknown()),
        moduleContent: record(z.unknown()),
      })
      .loose()
      .nullable()
      .optional(),
    targetCondition: z.string().nullable().optional(),
    priority: z.number().int().min(0).max(MAX_PRIORITY).nullable().optional(),
    metrics: z
      .object({ queries: record(z.string()) })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();

/** A configuration body after parsing: defaults filled in, content checked against twin rules. */
export interface ConfigurationInput {
  /** The id in the body, when it has one. */
  id?: string;
  schemaVersion: string;
  labels: Record<string, string>;
  /** Absent when the body has no content (an update may leave it out). */
  content?: { deviceContent: Record<string, unknown> };
  /** Empty when absent; the service refuses an empty condition. */
  targetCondition: string;
  priority: number;
  metricQueries: Record<string, string>;
}

/** Parses a configuration body; throws INVALID_ARGUMENT (or a twin-rule error) naming what is wrong. */
export function parseConfigurationInput(body: unknown): ConfigurationInput {
  const parsed = inputSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HubError(
      'INVALID_ARGUMENT',
      `Invalid configuration at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'bad value'}`,
    );
  }
  const b = parsed.data;
  const labels = checkLabels(b.labels ?? {});
  const metricQueries = b.metrics?.queries ?? {};
  if (Object.keys(metricQueries).length > MAX_CUSTOM_METRICS) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `A configuration has at most ${MAX_CUSTOM_METRICS} custom metrics, got ${Object.keys(metricQueries).length}.`,
    );
  }
  for (const name of Object.keys(metricQueries)) {
    if (name === '' || name.startsWith('$')) {
      throw new HubError('INVALID_ARGUMENT', `Metric name '${name}' is empty or starts with $.`);
    }
  }
  return {
    ...(b.id !== undefined ? { id: b.id } : {}),
    schemaVersion: b.schemaVersion || '1.0',
    labels,
    ...(b.content ? { content: checkContent(b.content) } : {}),
    targetCondition: b.targetCondition ?? '',
    priority: b.priority ?? 0,
    metricQueries: { ...metricQueries },
  };
}

function checkLabels(labels: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    if (key === '' || key.startsWith('$')) {
      throw new HubError('INVALID_ARGUMENT', `Label '${key}' is empty or starts with $ (reserved).`);
    }
    if (key.length > MAX_LABEL_LENGTH || value.length > MAX_LABEL_LENGTH) {
      throw new HubError(
        'INVALID_ARGUMENT',
        `Label '${key.slice(0, 40)}' or its value is longer than ${MAX_LABEL_LENGTH} characters.`,
      );
    }
  }
  return { ...labels };
}

function checkContent(content: {
  deviceContent?: Record<string, unknown> | null | undefined;
  modulesContent?: Record<string, unknown> | null | undefined;
  moduleContent?: Record<string, unknown> | null | undefined;
}): { deviceContent: Record<string, unknown> } {
  // [LOCAL] Only device twins are configured; module and IoT Edge content would need module twins.
  for (const key of ['modulesContent', 'moduleContent'] as const) {
    if (Object.keys(content[key] ?? {}).length) {
      throw new HubError(
        'INVALID_ARGUMENT',
        `content.${key} is not supported: Outpost configures device twins only.`,
      );
    }
  }
  const deviceContent = content.deviceContent ?? {};
  const entries = contentEntries(deviceContent);
  if (!entries.length) {
    throw new HubError('INVALID_ARGUMENT', 'content.deviceContent must set at least one property.');
  }
  // The content must fit a desired section on its own: key rules, value rules, depth and size.
  // A removal (null) is checked as a small placeholder, since twins hold no nulls.
  const tree: Record<string, unknown> = {};
  for (const e of entries) setAt(tree, e.segments, e.value === null ? true : e.value);
  checkSection('desired', tree);
  return { deviceContent: structuredClone(deviceContent) };
}
