/**
 * The JSON merge behind twin PATCHes (RFC 7396 as IoT Hub applies it to `tags`,
 * `properties.desired` and `properties.reported`): null deletes, absent keys are left alone,
 * objects merge recursively, anything else (arrays included) replaces.
 */
import { HubError } from '../errors';

/** A JSON scalar. */
export type JsonPrimitive = string | number | boolean | null;
/** Any JSON value. */
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}
/** An object as callers hold it (parsed bodies, stored sections); its values are checked at run time. */
export type PlainObject = Readonly<Record<string, unknown>>;

/** What a patch does at one path: writes a leaf, touches an object, or deletes a key. */
export type TouchKind = 'set' | 'object' | 'deleted';

/** One path a patch touches, as key segments below the section root. */
export interface TouchedPath {
  path: string[];
  kind: TouchKind;
}

/** True for a plain object: not null, not an array, not a class instance such as a Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The own member `key` of `obj`, never an inherited one (`constructor`, `__proto__`, …). */
export function getOwn(obj: PlainObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * Sets an own member. `obj[key] = v` would change the prototype when key is `__proto__`,
 * which JSON.parse happily produces as an ordinary key.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A deep copy of a JSON value. `undefined` object members are dropped, as JSON.stringify
 * drops them; anything JSON cannot carry (a function, NaN, a Date, …) throws INVALID_ARGUMENT.
 */
export function cloneJson(value: unknown, path: readonly string[] = []): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.map((item, index) => cloneJson(item, [...path, `[${index}]`]));
  if (isPlainObject(value)) return cloneObject(value, path);
  // The path is echoed to the IoT Hub error wire, which splits on `;`.
  const shown = path.map((p, i) => (p.startsWith('[') || i === 0 ? p : `.${p}`)).join('');
  const where = path.length ? ` at ${shown.replaceAll(';', '\\u003b')}` : '';
  const kind = typeof value === 'number' ? 'a non-finite number' : typeof value;
  throw new HubError('INVALID_ARGUMENT', `Value${where} is not JSON (${kind})`);
}

/**
 * Merges `patch` into `target` and returns a new object; neither input is changed and the
 * result shares nothing with them. Nested nulls are dropped even where the patch creates a new
 * object, so the result never holds a null member (twins store no nulls). Arrays are copied as
 * they are: the merge does not look inside them. Validate the patch first (validatePatchShape):
 * the merge recurses as deep as the patch nests.
 */
export function applyMergePatch(target: PlainObject, patch: PlainObject): JsonObject {
  const result = cloneObject(target, []);
  mergeInto(result, patch, []);
  return result;
}

/**
 * Every path `patch` touches, objects before their children, in patch order: `set` for a leaf
 * written (arrays included), `object` for an object merged or created, `deleted` for a null.
 * It depends on the patch alone: merging an object onto a leaf also creates an object.
 */
export function touchedPaths(patch: PlainObject): TouchedPath[] {
  const touched: TouchedPath[] = [];
  const walk = (obj: PlainObject, path: string[]): void => {
    for (const [key, value] of Object.entries(obj)) {
      if (value === undefined) continue;
      const childPath = [...path, key];
      if (value === null) {
        touched.push({ path: childPath, kind: 'deleted' });
      } else if (isPlainObject(value)) {
        touched.push({ path: childPath, kind: 'object' });
        walk(value, childPath);
      } else {
        touched.push({ path: childPath, kind: 'set' });
      }
    }
  };
  walk(patch, []);
  return touched;
}

function cloneObject(obj: PlainObject, path: readonly string[]): JsonObject {
  const copy: JsonObject = {};
  for (const [key, child] of Object.entries(obj)) {
    if (child !== undefined) setOwn(copy, key, cloneJson(child, [...path, key]));
  }
  return copy;
}

function mergeInto(target: JsonObject, patch: PlainObject, path: string[]): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const childPath = [...path, key];
    if (value === null) {
      delete target[key];
    } else if (isPlainObject(value)) {
      const existing = Object.hasOwn(target, key) ? target[key] : undefined;
      // Merging into a non-object starts from {}, as RFC 7396 says: `{a: {b: null}}` onto `a: 5` gives `a: {}`.
      const child: JsonObject = isPlainObject(existing) ? existing : {};
      setOwn(target, key, child);
      mergeInto(child, value, childPath);
    } else {
      setOwn(target, key, cloneJson(value, childPath));
    }
  }
}
