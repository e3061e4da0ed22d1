/**
 * The IoT Hub query text the Fleet screen sends: what the operator typed (a full `SELECT … FROM
 * devices …` or just a WHERE condition), split at its top-level clauses so the screen can ask for
 * the count, the groups and a group's devices of the same query. Pure text work: the hub parses and
 * validates; a query this splitter cannot read is sent as typed and the hub says what is wrong.
 */

/** The query run when the bar is empty. */
export const ALL_DEVICES = 'SELECT * FROM devices';

/** The clauses of a query, as text (`where` and `groupBy` without their keywords). */
export interface QueryParts {
  /** The SELECT list without TOP: `*`, or `deviceId, tags.site AS site`. */
  select: string;
  top?: number;
  from: string;
  where?: string;
  groupBy?: string;
}

/**
 * A full query from the bar's text: empty → every device; text starting with SELECT → as typed;
 * anything else is a WHERE condition (a leading `WHERE` is allowed).
 */
export function normalizeQuery(input: string): string {
  const text = input.trim();
  if (text === '') return ALL_DEVICES;
  if (/^select\b/i.test(text)) return text;
  return `${ALL_DEVICES} WHERE ${text.replace(/^where\s+/i, '')}`;
}

/** One clause keyword found at the top level of a query. */
interface Mark {
  keyword: 'SELECT' | 'FROM' | 'WHERE' | 'GROUP BY';
  start: number;
  end: number;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\w$]/.test(ch);
}

/** Finds SELECT/FROM/WHERE/GROUP BY outside strings, `[[…]]` keys and parentheses. */
function clauseMarks(text: string): Mark[] {
  const marks: Mark[] = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      i += 1;
      while (i < text.length && text[i] !== ch) i += text[i] === '\\' ? 2 : 1;
      i += 1;
      continue;
    }
    if (text.startsWith('[[', i)) {
      const close = text.indexOf(']]', i + 2);
      i = close < 0 ? text.length : close + 2;
      continue;
    }
    if (ch === '(') depth += 1;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && !isWordChar(text[i - 1]) && /[a-z]/i.test(ch)) {
      const rest = text.slice(i);
      const m = /^(select|from|where|group\s+by)(?![\w$])/i.exec(rest);
      if (m) {
        const word = m[1]!.toUpperCase().replace(/\s+/, ' ') as Mark['keyword'];
        marks.push({ keyword: word, start: i, end: i + m[0].length });
        i += m[0].length;
        continue;
      }
      while (isWordChar(text[i])) i += 1;
      continue;
    }
    i += 1;
  }
  return marks;
}

/** Splits a full query into clauses; undefined when it does not have the expected shape. */
export function splitQuery(text: string): QueryParts | undefined {
  const marks = clauseMarks(text);
  const order = marks.map((m) => m.keyword);
  const expected = ['SELECT', 'FROM', 'WHERE', 'GROUP BY'];
  if (order[0] !== 'SELECT' || order[1] !== 'FROM') return undefined;
  let last = -1;
  for (const word of order) {
    const at = expected.indexOf(word);
    if (at <= last) return undefined;
    last = at;
  }
  if (marks[0]!.start !== 0 && text.slice(0, marks[0]!.start).trim() !== '') return undefined;
  const body = (k: Mark['keyword']) => {
    const idx = marks.findIndex((m) => m.keyword === k);
    if (idx < 0) return undefined;
    const next = marks[idx + 1];
    return text.slice(marks[idx]!.end, next ? next.start : text.length).trim();
  };
  let select = body('SELECT') ?? '';
  let top: number | undefined;
  const topMatch = /^top\s+(\d+)\s+([\s\S]*)$/i.exec(select);
  if (topMatch) {
    top = Number(topMatch[1]);
    select = topMatch[2]!.trim();
  }
  const from = body('FROM') ?? '';
  const where = body('WHERE');
  const groupBy = body('GROUP BY');
  if (select === '' || from === '' || where === '' || groupBy === '') return undefined;
  return {
    select,
    from,
    ...(top !== undefined ? { top } : {}),
    ...(where !== undefined ? { where } : {}),
    ...(groupBy !== undefined ? { groupBy } : {}),
  };
}

/** Builds query text from clauses. */
export function joinQuery(parts: QueryParts): string {
  const top = parts.top !== undefined ? `TOP ${parts.top} ` : '';
  const where = parts.where ? ` WHERE ${parts.where}` : '';
  const group = parts.groupBy ? ` GROUP BY ${parts.groupBy}` : '';
  return `SELECT ${top}${parts.select} FROM ${parts.from}${where}${group}`;
}

const AGGREGATE = /\b(count|avg|sum|min|max)\s*\(/i;

/** True when the rows are whole device twins (`SELECT * FROM devices`, no grouping): the device list. */
export function isDeviceListQuery(parts: QueryParts | undefined): boolean {
  return !!parts && parts.select === '*' && parts.from.toLowerCase() === 'devices' && !parts.groupBy;
}

/** `SELECT COUNT() AS n …` over the same rows, or undefined where a count query cannot be asked. */
export function countQuery(parts: QueryParts | undefined): string | undefined {
  if (!parts || parts.groupBy || AGGREGATE.test(parts.select)) return undefined;
  const from = parts.from.toLowerCase();
  if (from !== 'devices' && from !== 'devices.modules') return undefined;
  return joinQuery({
    select: 'COUNT() AS n',
    from: parts.from,
    ...(parts.where ? { where: parts.where } : {}),
  });
}

/** A property path the group-by box accepts: `tags.site`, `properties.reported.fw`, `tags.[[my-key]]`. */
export const PATH_RE = /^[A-Za-z_$][\w$]*(\.([A-Za-z_$][\w$]*|\[\[[^\]]+\]\]))*$/;

/** `SELECT <path> AS k, COUNT() AS n FROM devices [WHERE …] GROUP BY <path>`: the groups of a query. */
export function groupQuery(parts: QueryParts, path: string): string {
  return joinQuery({
    select: `${path} AS k, COUNT() AS n`,
    from: parts.from,
    ...(parts.where ? { where: parts.where } : {}),
    groupBy: path,
  });
}

/** A query-language literal of a JSON value (strings quoted with `\` escapes). */
export function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'null';
}

/** The condition selecting one group: `path = value`, or `NOT IS_DEFINED(path)` for the group lacking it. */
export function groupCondition(path: string, value: unknown): string {
  return value === undefined ? `NOT IS_DEFINED(${path})` : `${path} = ${literal(value)}`;
}

/** The same query restricted by one more condition (AND-ed to its WHERE). */
export function withCondition(parts: QueryParts, condition: string): QueryParts {
  return { ...parts, where: parts.where ? `(${parts.where}) AND ${condition}` : condition };
}

/** The position an INVALID_QUERY message points at (`… at position 27 …`), if any. */
export function errorPosition(message: string): number | undefined {
  const m = /at position (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Example queries offered under the bar. */
export const EXAMPLE_QUERIES: readonly { label: string; query: string }[] = [
  { label: 'Every device', query: ALL_DEVICES },
  { label: 'Devices at the Lisbon site', query: "SELECT * FROM devices WHERE tags.site = 'lisbon'" },
  { label: 'Connected devices', query: "SELECT * FROM devices WHERE connectionState = 'Connected'" },
  { label: 'Disconnected devices', query: "SELECT * FROM devices WHERE connectionState = 'Disconnected'" },
  { label: 'Disabled devices', query: "SELECT * FROM devices WHERE status = 'disabled'" },
  { label: 'Meters', query: "SELECT * FROM devices WHERE tags.type = 'meter'" },
  { label: 'Battery below 20 %', query: 'SELECT * FROM devices WHERE properties.reported.battery < 20' },
  {
    label: 'Reboot not done',
    query: "SELECT * FROM devices WHERE properties.reported.rebootStatus.status != 'done'",
  },
  {
    label: 'Devices by site (counts)',
    query: 'SELECT tags.site, COUNT() AS devices FROM devices GROUP BY tags.site',
  },
  {
    label: 'Battery of the meters',
    query: "SELECT deviceId, properties.reported.battery FROM devices WHERE tags.type = 'meter'",
  },
];
