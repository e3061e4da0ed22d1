/**
 * The queries of a configuration: its target condition, the system metrics built from it
 * (targetedCount, appliedCount) and up to 5 custom metrics, each counted as the number of rows
 * its query returns (service-api.md §3.5).
 */
import { HubError, isHubError } from '../errors';
import {
  type Condition,
  type Expr,
  isAggregateQuery,
  type ParsedQuery,
  parseCondition,
  parseQuery,
  type QuerySource,
  runQuery,
} from '../query';
import { compileExpr } from '../query/compile';
import { toPredicate } from '../query/condition';

/** A configuration's queries, parsed once. */
export interface ConfigurationQueries {
  condition: Condition;
  /** The system metric queries as IoT Hub shows them, and parsed. */
  system: { targetedCount: string; appliedCount: string };
  parsedSystem: { targetedCount: ParsedQuery; appliedCount: ParsedQuery };
  custom: Record<string, string>;
  parsedCustom: ReadonlyMap<string, ParsedQuery>;
}

/** Parses every query of a configuration; errors name the part of the configuration at fault. */
export function compileConfigurationQueries(
  id: string,
  targetCondition: string,
  metricQueries: Record<string, string>,
): ConfigurationQueries {
  const condition = compileTargetCondition(targetCondition);
  const where = targetCondition.trim() === '*' ? '' : ` where ${targetCondition}`;
  // Why `[[…]]`: ids may hold `-` and other characters a plain path segment cannot.
  const system = {
    targetedCount: `select deviceId from devices${where}`,
    appliedCount: `select deviceId from devices where configurations.[[${id}]].status = 'Applied'`,
  };
  const parsedSystem = {
    targetedCount: parseQuery(system.targetedCount),
    appliedCount: parseQuery(system.appliedCount),
  };
  const parsedCustom = new Map<string, ParsedQuery>();
  for (const [name, text] of Object.entries(metricQueries)) {
    parsedCustom.set(
      name,
      withContext(`metrics.queries.${name}`, () => parseQuery(text)),
    );
  }
  return { condition, system, parsedSystem, custom: { ...metricQueries }, parsedCustom };
}

/**
 * Parses a target condition. Conditions on desired properties or on configuration markers are
 * refused: the configurations themselves write those, so such a condition could flip its own
 * target set on every evaluation. IoT Hub documents target conditions on tags and reported
 * properties only.
 */
export function compileTargetCondition(text: string): Condition {
  if (text.trim() === '') {
    throw new HubError('INVALID_ARGUMENT', "targetCondition is required: a WHERE expression, or '*'.");
  }
  const condition = withContext('targetCondition', () => parseCondition(text));
  if (condition.expr) {
    const bad = findPath(
      condition.expr,
      (s) => (s[0] === 'properties' && s[1] === 'desired') || s[0] === 'configurations',
    );
    if (bad) {
      throw new HubError(
        'INVALID_ARGUMENT',
        `targetCondition may not test ${bad.join('.')}: use tags or reported properties.`,
      );
    }
  }
  return condition;
}

// Why: predicates are compiled once per parsed query, and freed with it.
const predicates = new WeakMap<ParsedQuery, (doc: Record<string, unknown>) => boolean>();

/** The number of rows a query returns (all pages; TOP applies; an aggregate returns its groups). */
export function countRows(query: ParsedQuery, source: QuerySource): number {
  if (isAggregateQuery(query)) return runQuery(query, source).rows.length;
  let where = predicates.get(query);
  if (!where) {
    where = query.where ? toPredicate(compileExpr(query.where)) : () => true;
    predicates.set(query, where);
  }
  const rows =
    query.collection === 'devices'
      ? source.devices()
      : query.collection === 'devices.modules'
        ? source.modules()
        : source.jobs();
  const limit = query.top ?? Number.POSITIVE_INFINITY;
  let n = 0;
  for (const doc of rows) {
    if (n >= limit) break;
    if (where(doc)) n++;
  }
  return n;
}

function withContext<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isHubError(err)) throw new HubError(err.code, `${what}: ${err.message}`, err.details, { cause: err });
    throw err;
  }
}

function findPath(expr: Expr, test: (segments: readonly string[]) => boolean): readonly string[] | undefined {
  switch (expr.kind) {
    case 'path':
      return test(expr.segments) ? expr.segments : undefined;
    case 'const':
      return undefined;
    case 'unary':
      return findPath(expr.operand, test);
    case 'in':
      return findPath(expr.operand, test);
    case 'binary':
      return findPath(expr.left, test) ?? findPath(expr.right, test);
    case 'call':
      for (const arg of expr.args) {
        const found = findPath(arg, test);
        if (found) return found;
      }
      return undefined;
  }
}
