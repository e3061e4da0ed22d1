/**
 * Orders two values, or returns undefined when they are not comparable: only two primitives of the
 * same JSON type compare (numbers numerically, strings ordinally, false < true). Mixed types, objects,
 * arrays and undefined give undefined, which is not an error (query-language.md §3).
 */
export function compareValues(a: unknown, b: unknown): number | undefined {
  const ta = typeof a;
  if (ta !== typeof b) return undefined;
  if (ta === 'number' || ta === 'string') {
    // Why: plain `<` on strings compares UTF-16 code units, which is the ordinal order asked for.
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (ta === 'boolean') return a === b ? 0 : a ? 1 : -1;
  // Why [LOCAL]: null = null is true (Cosmos-DB style) so job rows with `deviceMethodResponse: null` can be
  // matched; twins never hold null, so this cannot change twin results.
  if (a === null && b === null) return 0;
  return undefined;
}

/** Deep JSON equality: same type and same content; object key order does not matter. */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEquals(v, b[i]));
  }
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  if (ka.length !== Object.keys(rb).length) return false;
  const ra = a as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && jsonEquals(ra[k], rb[k]));
}

/** A string that is equal for JSON-equal values (object keys sorted), and distinct for `1` and `"1"`. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const rec = value as Record<string, unknown>;
  const keys = Object.keys(rec).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(rec[k])}`).join(',')}}`;
}

/** A plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The own property `key` of an object, else undefined (arrays and prototype keys never resolve). */
export function childOf(value: unknown, key: string): unknown {
  // Why: Object.hasOwn keeps `tags.constructor` or `tags.__proto__` from reaching the prototype.
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}
