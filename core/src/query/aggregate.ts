import type { AggregateItem, ParsedQuery, SelectItem } from './ast';
import { compilePath, type Evaluator } from './compile';
import { canonicalJson } from './values';

/** Running state of one aggregate item within one group. */
interface Accumulator {
  count: number;
  numeric: number;
  sum: number;
  min: number;
  max: number;
}

/** One group: its key value (undefined for the group of rows without the key) and one accumulator per item. */
interface Group {
  key: unknown;
  acc: Accumulator[];
}

const newAccumulator = (): Accumulator => ({ count: 0, numeric: 0, sum: 0, min: Infinity, max: -Infinity });

/**
 * Runs an aggregate query (aggregates and/or GROUP BY) over the rows that pass `where`.
 * Without GROUP BY it yields exactly one row, even over no rows. Groups come out in the order
 * their first row was seen (the spec leaves group order unspecified). TOP applies to the groups.
 */
export function runAggregate(
  query: ParsedQuery,
  rows: Iterable<Record<string, unknown>>,
  where: (doc: Record<string, unknown>) => boolean,
): Record<string, unknown>[] {
  const items: readonly SelectItem[] = query.select === '*' ? [] : query.select;
  const values: (Evaluator | undefined)[] = items.map((i) =>
    i.kind === 'aggregate' && i.path ? compilePath(i.path.segments) : undefined,
  );
  const keyOf = query.groupBy ? compilePath(query.groupBy.segments) : undefined;
  const groups = new Map<string, Group>();
  if (keyOf === undefined) groups.set('', { key: undefined, acc: items.map(newAccumulator) });

  for (const doc of rows) {
    if (!where(doc)) continue;
    const key = keyOf?.(doc);
    // Why: JSON equality of keys, so 1 and "1" are different groups and undefined is a group of its own.
    const id = keyOf === undefined ? '' : canonicalJson(key);
    let group = groups.get(id);
    if (group === undefined) {
      group = { key, acc: items.map(newAccumulator) };
      groups.set(id, group);
    }
    for (let i = 0; i < items.length; i++) {
      const acc = group.acc[i];
      if (acc === undefined) continue;
      acc.count++;
      const v = values[i]?.(doc);
      // Why [LOCAL]: AVG/SUM/MIN/MAX use numbers only and ignore every other value.
      if (typeof v !== 'number') continue;
      acc.numeric++;
      acc.sum += v;
      if (v < acc.min) acc.min = v;
      if (v > acc.max) acc.max = v;
    }
  }

  const out: Record<string, unknown>[] = [];
  for (const group of groups.values()) {
    if (query.top !== undefined && out.length >= query.top) break;
    out.push(groupRow(items, group));
  }
  return out;
}

function groupRow(items: readonly SelectItem[], group: Group): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  items.forEach((item, i) => {
    const value = item.kind === 'path' ? group.key : finish(item, group.acc[i]);
    // Why: like projections, an undefined value omits the key (the undefined group lacks its key).
    if (value !== undefined) row[item.name] = value;
  });
  return row;
}

function finish(item: AggregateItem, acc: Accumulator | undefined): unknown {
  if (acc === undefined) return undefined;
  if (item.fn === 'COUNT') return acc.count;
  if (acc.numeric === 0) return undefined;
  const value =
    item.fn === 'SUM'
      ? acc.sum
      : item.fn === 'AVG'
        ? acc.sum / acc.numeric
        : item.fn === 'MIN'
          ? acc.min
          : acc.max;
  // Why: a sum can overflow to Infinity, which has no JSON form, so it is omitted like other undefined values.
  return Number.isFinite(value) ? value : undefined;
}
