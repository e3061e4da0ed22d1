/**
 * `POST /configurations/testQueries` (IoT Hub's "test queries" of a configuration draft): checks a
 * target condition and custom metric queries by the same rules as creating a configuration, and
 * answers the errors in place of failing, so an editor can show them while the operator types.
 * [LOCAL] The answer also holds `targetedCount`, the devices the condition matches now: the one
 * figure an operator needs before saving, and which IoT Hub makes them find with a second query.
 */
import { HubError, isHubError } from '../errors';
import { type Condition, parseQuery } from '../query';
import { MAX_CUSTOM_METRICS } from './configuration-input';
import { compileTargetCondition } from './configuration-queries';

/** The body: a draft's target condition and custom metric queries (both optional). */
export interface ConfigurationQueriesTestInput {
  targetCondition?: string;
  customMetricQueries?: Record<string, string>;
}

/** The answer: empty strings mean "no error"; `targetedCount` only when the condition is valid. */
export interface ConfigurationQueriesTestResult {
  targetConditionError: string;
  customMetricQueryErrors: Record<string, string>;
  targetedCount?: number;
}

function parseInput(body: unknown): { targetCondition?: string; queries: Record<string, string> } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HubError('INVALID_FORMAT', 'The body must be {targetCondition?, customMetricQueries?}.');
  }
  const { targetCondition, customMetricQueries } = body as Record<string, unknown>;
  if (targetCondition !== undefined && targetCondition !== null && typeof targetCondition !== 'string') {
    throw new HubError('INVALID_ARGUMENT', 'targetCondition must be a string.');
  }
  const queries: Record<string, string> = {};
  if (customMetricQueries !== undefined && customMetricQueries !== null) {
    if (typeof customMetricQueries !== 'object' || Array.isArray(customMetricQueries)) {
      throw new HubError('INVALID_ARGUMENT', 'customMetricQueries must be an object of name → query.');
    }
    // As many as a configuration may hold: each one is parsed, so the body must not carry thousands.
    const count = Object.keys(customMetricQueries).length;
    if (count > MAX_CUSTOM_METRICS) {
      throw new HubError(
        'INVALID_ARGUMENT',
        `A configuration has at most ${MAX_CUSTOM_METRICS} custom metrics, got ${count}.`,
      );
    }
    for (const [name, text] of Object.entries(customMetricQueries)) {
      if (typeof text !== 'string') {
        throw new HubError('INVALID_ARGUMENT', `customMetricQueries.${name} must be a string.`);
      }
      queries[name] = text;
    }
  }
  return { ...(typeof targetCondition === 'string' ? { targetCondition } : {}), queries };
}

function errorText(fn: () => unknown): string {
  try {
    fn();
    return '';
  } catch (err) {
    if (isHubError(err)) return err.message;
    throw err;
  }
}

/**
 * Tests the queries of a configuration draft. `countMatching` counts the devices a valid condition
 * matches now (the host runs it over its twins). A malformed body throws; a bad query does not.
 */
export function testConfigurationQueries(
  body: unknown,
  countMatching: (condition: Condition) => number,
): ConfigurationQueriesTestResult {
  const input = parseInput(body);
  const result: ConfigurationQueriesTestResult = { targetConditionError: '', customMetricQueryErrors: {} };
  if (input.targetCondition !== undefined) {
    let condition: Condition | undefined;
    result.targetConditionError = errorText(() => {
      condition = compileTargetCondition(input.targetCondition as string);
    });
    if (condition) result.targetedCount = countMatching(condition);
  }
  for (const [name, text] of Object.entries(input.queries)) {
    const error =
      name === '' || name.startsWith('$')
        ? `Metric name '${name}' is empty or starts with $.`
        : errorText(() => parseQuery(text));
    if (error) result.customMetricQueryErrors[name] = error;
  }
  return result;
}
