import type { ParsedQuery } from './ast';
import { samePath } from './fields';
import { invalidAt } from './query-error';

/** True when the query returns whole documents (`SELECT *`). */
export function selectsAll(query: ParsedQuery): boolean {
  return query.select === '*';
}

/** True when the query aggregates (an aggregate item or GROUP BY): one page, no continuation. */
export function isAggregateQuery(query: ParsedQuery): boolean {
  return (
    query.groupBy !== undefined || (query.select !== '*' && query.select.some((i) => i.kind === 'aggregate'))
  );
}

/**
 * Checks the rules that the grammar alone does not: devices.jobs takes no GROUP BY; GROUP BY needs
 * a projection whose non-aggregate items are the key; aggregates without GROUP BY cannot be mixed
 * with plain paths.
 */
export function validateQuery(query: ParsedQuery): void {
  const { text, select, groupBy } = query;
  if (query.collection === 'devices.jobs') {
    // `SELECT <items>` on jobs is rejected by the parser before item paths are resolved.
    if (groupBy !== undefined) {
      const near = text.slice(groupBy.pos, groupBy.end);
      throw invalidAt(groupBy.pos, near, 'devices.jobs does not allow GROUP BY');
    }
    return;
  }
  if (groupBy !== undefined) {
    if (select === '*') {
      throw invalidAt(
        groupBy.pos,
        text.slice(groupBy.pos, groupBy.end),
        'GROUP BY needs a SELECT list, not *',
      );
    }
    for (const item of select) {
      if (item.kind === 'path' && !samePath(item.path, groupBy)) {
        const near = text.slice(item.pos, item.end);
        throw invalidAt(item.pos, near, 'with GROUP BY, every item must be the group key or an aggregate');
      }
    }
    return;
  }
  if (select !== '*' && select.some((i) => i.kind === 'aggregate')) {
    const plain = select.find((i) => i.kind === 'path');
    if (plain !== undefined) {
      const near = text.slice(plain.pos, plain.end);
      throw invalidAt(plain.pos, near, 'a property cannot be mixed with aggregates without GROUP BY');
    }
  }
}
