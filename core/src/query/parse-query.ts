import type { AggregateName, Collection, Expr, ParsedQuery, PathExpr, SelectItem } from './ast';
import { ExpressionParser } from './expression-parser';
import { type RawPath, resolvePath } from './fields';
import { AGGREGATE_NAMES } from './functions';
import { tokenize } from './lexer';
import { invalidAt, queryError } from './query-error';
import { KEYWORDS, TokenStream } from './token-stream';
import { validateQuery } from './validate-query';

/** The documented maximum length of a query (and, here, of a condition). */
export const MAX_QUERY_LENGTH = 8192;

/** Throws INVALID_QUERY when `text` is longer than the 8192-character limit. */
export function checkLength(text: string, what: string): void {
  if (text.length > MAX_QUERY_LENGTH) {
    throw queryError(
      `${what} is too long at position ${MAX_QUERY_LENGTH}: ${text.length} characters, the limit is ${MAX_QUERY_LENGTH}`,
      MAX_QUERY_LENGTH,
    );
  }
}

/** A SELECT item before the collection is known (paths are resolved after FROM). */
type RawItem =
  | { kind: 'path'; path: RawPath; alias?: string; pos: number; end: number }
  | { kind: 'aggregate'; fn: AggregateName; path?: RawPath; alias?: string; pos: number; end: number };

/** Parses a full query; throws HubError INVALID_QUERY (with position) on any error incl. > 8192 chars. */
export function parseQuery(text: string): ParsedQuery {
  checkLength(text, 'Query');
  const ts = new TokenStream(tokenize(text));
  let collection: Collection = 'devices';
  const exprs = new ExpressionParser(ts, text, (raw) => resolvePath(raw, collection));

  ts.expectKeyword('SELECT');
  let top: number | undefined;
  if (ts.acceptKeyword('TOP')) top = parseTop(ts);
  const rawSelect = ts.acceptOp('*') ? '*' : parseSelectList(ts, exprs);
  ts.expectKeyword('FROM');
  collection = parseCollection(ts);
  if (collection === 'devices.jobs' && rawSelect !== '*') {
    // Checked before the item paths are resolved, so the error names the real rule, not the path form.
    const first = rawSelect[0];
    const pos = first?.pos ?? 0;
    throw invalidAt(pos, text.slice(pos, first?.end ?? pos), 'devices.jobs allows only SELECT *');
  }
  const select = rawSelect === '*' ? '*' : nameItems(rawSelect, collection, text);

  let where: Expr | undefined;
  if (ts.acceptKeyword('WHERE')) where = exprs.parseExpr();
  let groupBy: PathExpr | undefined;
  if (ts.acceptKeyword('GROUP')) {
    ts.expectKeyword('BY');
    if (!exprs.atPathStart()) throw ts.fail('a property path');
    groupBy = resolvePath(exprs.parseRawPath(), collection);
  }
  if (ts.peek().kind !== 'eof') {
    throw ts.fail(where === undefined && groupBy === undefined ? 'WHERE, GROUP BY or the end' : 'the end');
  }

  const query: ParsedQuery = {
    text,
    collection,
    select,
    ...(top !== undefined && { top }),
    ...(where !== undefined && { where }),
    ...(groupBy !== undefined && { groupBy }),
  };
  validateQuery(query);
  return query;
}

function parseTop(ts: TokenStream): number {
  const tok = ts.peek();
  if (tok.kind !== 'number' || !Number.isSafeInteger(tok.value) || Number(tok.value) < 0) {
    throw ts.fail('a whole number after TOP');
  }
  ts.next();
  return Number(tok.value);
}

function parseCollection(ts: TokenStream): Collection {
  const tok = ts.peek();
  const expected = 'devices, devices.modules or devices.jobs';
  if (tok.kind !== 'word' || tok.text.toLowerCase() !== 'devices') throw ts.fail(expected);
  ts.next();
  if (!ts.acceptOp('.')) return 'devices';
  const sub = ts.peek();
  const name = sub.kind === 'word' ? sub.text.toLowerCase() : '';
  if (name !== 'modules' && name !== 'jobs') throw ts.fail(expected);
  ts.next();
  return name === 'modules' ? 'devices.modules' : 'devices.jobs';
}

function parseSelectList(ts: TokenStream, exprs: ExpressionParser): RawItem[] {
  const items: RawItem[] = [];
  do items.push(parseSelectItem(ts, exprs));
  while (ts.acceptOp(','));
  return items;
}

/** item = ( path | aggregate ) [ "AS" identifier ] */
function parseSelectItem(ts: TokenStream, exprs: ExpressionParser): RawItem {
  const tok = ts.peek();
  const upper = tok.kind === 'word' ? tok.text.toUpperCase() : '';
  const next = ts.peek(1);
  let item: RawItem;
  if (AGGREGATE_NAMES.has(upper) && next.kind === 'op' && next.text === '(') {
    const fn = upper as AggregateName;
    ts.next();
    ts.next();
    let path: RawPath | undefined;
    if (fn !== 'COUNT') {
      if (!exprs.atPathStart()) throw ts.fail(`a property path in ${fn}()`);
      path = exprs.parseRawPath();
    }
    const close = ts.expectOp(')');
    item = { kind: 'aggregate', fn, ...(path && { path }), pos: tok.pos, end: close.end };
  } else if (exprs.atPathStart()) {
    const path = exprs.parseRawPath();
    item = { kind: 'path', path, pos: path.pos, end: path.end };
  } else {
    throw ts.fail("'*', a property path or an aggregate");
  }
  if (!ts.acceptKeyword('AS')) return item;
  const alias = ts.peek();
  const isName =
    alias.kind === 'escaped' || (alias.kind === 'word' && !KEYWORDS.has(alias.text.toUpperCase()));
  if (!isName) throw ts.fail('an alias name after AS');
  ts.next();
  return { ...item, alias: String(alias.value), end: alias.end };
}

/** Resolves item paths for the collection and picks each output key: alias, last segment, or `$n`. */
function nameItems(items: RawItem[], collection: Collection, text: string): SelectItem[] {
  let unnamed = 0;
  const seen = new Set<string>();
  return items.map((item): SelectItem => {
    const path = item.path && resolvePath(item.path, collection);
    let name: string;
    if (item.alias !== undefined) name = item.alias;
    else if (item.kind === 'aggregate') name = `$${++unnamed}`;
    else name = path?.segments[path.segments.length - 1] ?? '';
    // Why: two items with one key would silently overwrite each other in the row.
    if (seen.has(name)) {
      throw invalidAt(
        item.pos,
        text.slice(item.pos, item.end),
        `the output name ${name} is used twice, add AS`,
      );
    }
    seen.add(name);
    const span = { pos: item.pos, end: item.end, name };
    if (item.kind === 'aggregate') return { kind: 'aggregate', fn: item.fn, ...(path && { path }), ...span };
    if (path === undefined) throw new Error('a path item without a path');
    return { kind: 'path', path, ...span };
  });
}
