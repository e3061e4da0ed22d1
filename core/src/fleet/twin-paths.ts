/**
 * Twin sections as flat dotted paths, the columns of the fleet CSV (`tags.site`, `desired.fw.version`):
 * a leaf is any value that is not a non-empty plain object. Twin keys never hold `.` in Outpost CSVs.
 */
import { isPlainObject } from '../twins/json-merge';

/** Flattens a section into `[path, leaf]` pairs, in key order. */
export function flattenSection(tree: Record<string, unknown>, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(tree)) {
    if (key.startsWith('$')) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && Object.keys(value).length) out.push(...flattenSection(value, path));
    else out.push([path, value]);
  }
  return out;
}

/** Sets `value` at a dotted path of `tree`, creating objects on the way. */
export function setPath(tree: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * The value of a CSV cell: a JSON literal when the text parses as one (`42`, `true`, `null`,
 * `"007"`, `{"a":1}`), otherwise the text itself. Undefined for an empty cell (no value).
 */
export function cellValue(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The CSV text of a value, the inverse of cellValue: plain text unless it would read back as JSON. */
export function cellText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return JSON.stringify(value);
  if (value === '') return '""';
  return cellValue(value) === value ? value : JSON.stringify(value);
}
