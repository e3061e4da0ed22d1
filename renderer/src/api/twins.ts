/**
 * Twin sections in the operator UI: their leaves with `$metadata` times, the checks an edited
 * section must pass before it is sent (the limits of service-api.md §3.3, so the operator hears
 * about a bad key before the hub refuses the patch), the leaf diff shown before saving, and the
 * JSON merge patch that turns the old section into the edited one.
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** One leaf of a section: its key path, value, and when it was last updated (desired/reported only). */
export interface TwinLeaf {
  path: string[];
  value: unknown;
  lastUpdated?: string;
}

/** One changed leaf of an edit. */
export interface LeafChange {
  kind: 'added' | 'changed' | 'removed';
  path: string[];
  before?: unknown;
  after?: unknown;
}

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A section without its system members (`$version`, `$metadata`). */
export function withoutSystemKeys(section: JsonObject | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(section ?? {})) if (!k.startsWith('$')) out[k] = v;
  return out;
}

function metaTime(meta: unknown): string | undefined {
  return isObject(meta) && typeof meta.$lastUpdated === 'string' ? meta.$lastUpdated : undefined;
}

/**
 * The leaves of a section in key order; a leaf is a value that is not a non-empty object. Each gets
 * the `$lastUpdated` of its `$metadata` node (or of the nearest ancestor that has one).
 */
export function sectionLeaves(section: JsonObject, metadata?: unknown, prefix: string[] = []): TwinLeaf[] {
  const out: TwinLeaf[] = [];
  for (const [key, value] of Object.entries(section)) {
    if (key.startsWith('$')) continue;
    const meta = isObject(metadata) ? metadata[key] : undefined;
    const path = [...prefix, key];
    if (isObject(value) && Object.keys(value).length > 0) {
      const inner = sectionLeaves(value, meta, path);
      const parentTime = metaTime(meta);
      out.push(
        ...inner.map((leaf) =>
          leaf.lastUpdated || !parentTime ? leaf : { ...leaf, lastUpdated: parentTime },
        ),
      );
    } else {
      const lastUpdated = metaTime(meta);
      out.push({ path, value, ...(lastUpdated ? { lastUpdated } : {}) });
    }
  }
  return out;
}

/** Deep JSON equality. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The leaves that an edit adds, changes and removes, in path order. */
export function diffLeaves(before: JsonObject, after: JsonObject): LeafChange[] {
  const key = (path: string[]) => path.join('\u0000');
  const old = new Map(sectionLeaves(before).map((l) => [key(l.path), l]));
  const next = new Map(sectionLeaves(after).map((l) => [key(l.path), l]));
  const changes: LeafChange[] = [];
  for (const [k, leaf] of next) {
    const prev = old.get(k);
    if (!prev) changes.push({ kind: 'added', path: leaf.path, after: leaf.value });
    else if (!jsonEqual(prev.value, leaf.value))
      changes.push({ kind: 'changed', path: leaf.path, before: prev.value, after: leaf.value });
  }
  for (const [k, leaf] of old) {
    if (!next.has(k)) changes.push({ kind: 'removed', path: leaf.path, before: leaf.value });
  }
  return changes.sort((a, b) => key(a.path).localeCompare(key(b.path)));
}

/** The JSON merge patch (null deletes, objects merge, the rest replaces) from `before` to `after`. */
export function mergePatchBetween(before: JsonObject, after: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const k of Object.keys(before)) if (!(k in after)) patch[k] = null;
  for (const [k, v] of Object.entries(after)) {
    const old = before[k];
    // An object emptied by the edit recurses too: its old leaves become nulls (`{}` alone merges as no change).
    if (isObject(old) && isObject(v)) {
      const inner = mergePatchBetween(old, v);
      if (Object.keys(inner).length > 0) patch[k] = inner;
    } else if (!jsonEqual(old, v)) {
      patch[k] = v;
    }
  }
  return patch;
}

/** Applies a JSON merge patch (to re-apply an edit on a twin that changed meanwhile). */
export function applyMergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v)) out[k] = applyMergePatch(isObject(out[k]) ? out[k] : {}, v);
    else out[k] = v;
  }
  return out;
}

// The hub's limits (service-api.md §3.3, core/src/twins/limits.ts), checked here to explain early.
const MAX_KEY_BYTES = 1024;
const MAX_STRING_BYTES = 4096;
const MAX_DEPTH = 10;
const MIN_INT = -4503599627370496;
const MAX_INT = 4503599627370495;
/** Largest section size as the hub counts it: tags 8 KB, desired 32 KB. */
export const SECTION_BYTES = { tags: 8192, desired: 32768 } as const;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the rule forbids
const BAD_KEY_CHAR = /[\u0000-\u001f\u007f-\u009f.$ ]/;

const utf8 = (text: string) => new TextEncoder().encode(text).length;

/** Size of a value as the hub counts it: key and string characters, numbers 8, booleans 4. */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean' || value === null) return 4;
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + sizeOf(v), 0);
  if (isObject(value)) return Object.entries(value).reduce<number>((n, [k, v]) => n + utf8(k) + sizeOf(v), 0);
  return 0;
}

function check(value: unknown, path: string[], depth: number, problems: string[]): void {
  const where = path.length ? path.join('.') : 'the section';
  if (problems.length >= 10) return;
  if (typeof value === 'string' && utf8(value) > MAX_STRING_BYTES) {
    problems.push(`${where}: the string is longer than ${MAX_STRING_BYTES} bytes.`);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.push(`${where}: not a finite number.`);
    else if (Number.isInteger(value) && (value < MIN_INT || value > MAX_INT)) {
      problems.push(`${where}: integers must be within ±4503599627370495.`);
    }
  } else if (Array.isArray(value) || isObject(value)) {
    if (depth > MAX_DEPTH) {
      problems.push(`${where}: nested more than ${MAX_DEPTH} levels deep.`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        check(v, [...path, String(i)], depth + 1, problems);
      });
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      const at = [...path, k].join('.');
      if (k === '') problems.push(`${where}: a key is empty.`);
      else if (BAD_KEY_CHAR.test(k)) {
        problems.push(`Key "${k}" at ${at}: keys may not contain '.', '$', spaces or control characters.`);
      } else if (utf8(k) > MAX_KEY_BYTES)
        problems.push(`${at}: the key is longer than ${MAX_KEY_BYTES} bytes.`);
      if (v === null) {
        problems.push(`${at}: null is not a value a twin keeps; to remove the property, delete its key.`);
      } else check(v, [...path, k], depth + 1, problems);
    }
  }
}

/**
 * Parses and checks an edited section: JSON, an object, the key rules, depth, string and integer
 * limits and the section size. Answers the section, or the problems in words.
 */
export function parseSection(
  text: string,
  section: keyof typeof SECTION_BYTES,
): { ok: true; value: JsonObject } | { ok: false; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`This is not valid JSON: ${(err as Error).message}.`] };
  }
  if (!isObject(value)) {
    return { ok: false, problems: [`The ${section} must be a JSON object ({ … }), not ${describe(value)}.`] };
  }
  const problems: string[] = [];
  check(value, [], 0, problems);
  const size = sizeOf(value);
  if (size > SECTION_BYTES[section]) {
    problems.push(`The ${section} would be ${size} bytes; the limit is ${SECTION_BYTES[section]}.`);
  }
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** A leaf value as JSON text (strings quoted, so `"5"` and `5` read differently). */
export function leafText(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}
