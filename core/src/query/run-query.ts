import { runAggregate } from './aggregate';
import type { Collection, ParsedQuery } from './ast';
import { compileExpr, compilePath } from './compile';
import { toPredicate } from './condition';
import { type ContinuationState, decodeContinuation, encodeContinuation } from './continuation';
import { queryError } from './query-error';
import { isAggregateQuery } from './validate-query';

/** A row document of a collection. */
type Doc = Record<string, unknown>;

/** Rows in canonical order: devices by deviceId then moduleId; jobs by jobId then deviceId. */
export interface QuerySource {
  /** Device twin documents (service-api.md §3.2 shape), ordered by deviceId. */
  devices(): Iterable<Doc>;
  /** Module twin documents (with moduleId), ordered by deviceId then moduleId. */
  modules(): Iterable<Doc>;
  /** Device-job rows (service-api.md §3.4), ordered by jobId, deviceId, then moduleId. */
  jobs(): Iterable<Doc>;
}

/** One page of results; `continuation` is present only when more rows remain. */
export interface QueryPage {
  rows: unknown[];
  continuation?: string;
  itemType: 'twin' | 'deviceJob' | 'raw';
}

/** Paging options of `runQuery`. */
export interface RunQueryOptions {
  /** Rows per page, clamped to 1..100; 100 when absent. */
  pageSize?: number;
  /** The token from the previous page of the same query text. */
  continuation?: string;
}

/** The documented page limit: at most 100 rows per page. */
export const MAX_PAGE_SIZE = 100;

/** What runQuery needs per query, built once and cached by query object. */
interface Plan {
  where: (doc: Doc) => boolean;
  project: (doc: Doc) => unknown;
}

// Why: a WeakMap keyed by the ParsedQuery keeps the AST plain data while pages of the same parsed query
// reuse one compilation; it is freed with the query.
const plans = new WeakMap<ParsedQuery, Plan>();

// Why: the sort key fields identify a row within its collection's canonical order; the continuation
// stores the last key sent, so paging survives rows added or removed between pages. moduleId is a
// tie-breaker for jobs run on modules; device rows have none, which reads as ''.
const SORT_FIELDS: Readonly<Record<Collection, readonly string[]>> = {
  devices: ['deviceId', 'moduleId'],
  'devices.modules': ['deviceId', 'moduleId'],
  'devices.jobs': ['jobId', 'deviceId', 'moduleId'],
};

/** Clamps a page size to 1..100 (default 100; fractions are truncated). */
export function clampPageSize(pageSize: number | undefined): number {
  if (pageSize === undefined || !Number.isFinite(pageSize)) return MAX_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(pageSize)));
}

/**
 * Runs a query; pageSize is clamped to 1..100 (default 100). The continuation is opaque, valid only for
 * the same query text (else INVALID_QUERY), and is omitted when no rows remain. Aggregates return one
 * page. `SELECT *` rows are the source documents themselves (not copies): callers serialise, not mutate.
 */
export function runQuery(query: ParsedQuery, source: QuerySource, options: RunQueryOptions = {}): QueryPage {
  const rows = rowsOf(query.collection, source);
  const plan = planFor(query);
  if (isAggregateQuery(query)) {
    // Why: aggregate results are always one page, so no token was ever issued for them.
    if (options.continuation !== undefined) {
      throw queryError('Invalid query at position 0: aggregate queries return one page, no continuation', 0);
    }
    return { rows: runAggregate(query, rows, plan.where), itemType: 'raw' };
  }
  const itemType = query.select !== '*' ? 'raw' : query.collection === 'devices.jobs' ? 'deviceJob' : 'twin';
  const state =
    options.continuation === undefined ? undefined : decodeContinuation(query.text, options.continuation);
  const sent = state?.sent ?? 0;
  const remaining = query.top === undefined ? Number.POSITIVE_INFINITY : Math.max(0, query.top - sent);
  const pageSize = clampPageSize(options.pageSize);
  const limit = Math.min(pageSize, remaining);
  const fields = SORT_FIELDS[query.collection];

  const out: unknown[] = [];
  let last: Doc | undefined;
  let more = false;
  let skipping = state !== undefined;
  if (limit > 0) {
    for (const doc of rows) {
      // Why: the source is in canonical order, so once one row is past the saved key all later ones are.
      if (skipping) {
        if (!isAfter(doc, fields, state as ContinuationState)) continue;
        skipping = false;
      }
      if (!plan.where(doc)) continue;
      if (out.length === limit) {
        // A further match exists; it only counts when the page (not TOP) was the limit.
        more = limit < remaining;
        break;
      }
      out.push(plan.project(doc));
      last = doc;
    }
  }
  const page: QueryPage = { rows: out, itemType };
  if (more && last !== undefined) {
    const lastDoc = last;
    const after = fields.map((f) => keyPart(lastDoc, f));
    page.continuation = encodeContinuation(query.text, { after, sent: sent + out.length });
  }
  return page;
}

function rowsOf(collection: Collection, source: QuerySource): Iterable<Doc> {
  if (collection === 'devices') return source.devices();
  return collection === 'devices.modules' ? source.modules() : source.jobs();
}

function planFor(query: ParsedQuery): Plan {
  let plan = plans.get(query);
  if (plan === undefined) {
    plan = {
      where: query.where === undefined ? () => true : toPredicate(compileExpr(query.where)),
      project: compileProjection(query),
    };
    plans.set(query, plan);
  }
  return plan;
}

/** `SELECT *` returns the document; a path list builds a row keyed by item names, omitting undefined values. */
function compileProjection(query: ParsedQuery): (doc: Doc) => unknown {
  if (query.select === '*') return (doc) => doc;
  const names = query.select.map((i) => i.name);
  const paths = query.select.map((i) => compilePath(i.path?.segments ?? []));
  return (doc) => {
    const row: Doc = {};
    for (let i = 0; i < paths.length; i++) {
      const value = paths[i]?.(doc);
      const name = names[i];
      if (value !== undefined && name !== undefined) row[name] = value;
    }
    return row;
  };
}

function keyPart(doc: Doc, field: string): string {
  const v = doc[field];
  return v === undefined || v === null ? '' : String(v);
}

/** True when the row's sort key is strictly greater (ordinal, field by field) than `state.after`. */
function isAfter(doc: Doc, fields: readonly string[], state: ContinuationState): boolean {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === undefined) break;
    const a = keyPart(doc, field);
    const b = state.after[i] ?? '';
    if (a !== b) return a > b;
  }
  return false;
}
