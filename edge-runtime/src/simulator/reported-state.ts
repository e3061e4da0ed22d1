/** The device's own copy of its reported properties, and the factory-reset patch computed from it. */
import { isObject, type JsonObject } from './twin-client';

/** RFC 7396 merge: `null` deletes, objects merge recursively, anything else replaces (device-protocol.md §2.5). */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value)) out[key] = mergePatch(isObject(out[key]) ? out[key] : {}, value);
    else out[key] = value;
  }
  return out;
}

/**
 * The patch that brings reported back to `defaults`: every default written, every other member that
 * the device knows of (except `keep` and the read-only `$` members) set to `null` so the hub removes it.
 */
export function factoryResetPatch(
  mirror: JsonObject,
  defaults: JsonObject,
  keep: readonly string[] = [],
): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(mirror)) {
    if (key.startsWith('$') || keep.includes(key) || key in defaults) continue;
    patch[key] = null;
  }
  for (const [key, value] of Object.entries(defaults)) {
    // A nested default replaces the whole member: null first would need a second patch, so
    // stale nested keys are nulled inside the object instead.
    patch[key] = isObject(value) && isObject(mirror[key]) ? withNulls(mirror[key], value) : value;
  }
  return patch;
}

function withNulls(current: JsonObject, wanted: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(current)) if (!(key in wanted)) out[key] = null;
  for (const [key, value] of Object.entries(wanted)) {
    const now = current[key];
    out[key] = isObject(value) && isObject(now) ? withNulls(now, value) : value;
  }
  return out;
}
