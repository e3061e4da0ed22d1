/**
 * Configuration content as desired-property writes: each `properties.desired.<path>` key sets the
 * value at that path of the twin's desired section, and a null value removes the path.
 */
import { HubError } from '../errors';
import { cloneJson, isPlainObject, setOwn } from '../twins/json-merge';

/** The only content keys device configurations may hold. */
export const DESIRED_PREFIX = 'properties.desired.';

/** One write of a configuration's content. */
export interface ContentEntry {
  /** The path below `properties.desired`, dot-joined (twin keys never contain a dot). */
  path: string;
  segments: readonly string[];
  /** The value to set; null removes the path. */
  value: unknown;
}

/**
 * The writes of `deviceContent`, parents before children. Why: within one configuration,
 * `a` = {…} and `a.b` = 1 must both hold, which only that order gives.
 */
export function contentEntries(deviceContent: Readonly<Record<string, unknown>>): ContentEntry[] {
  const entries = Object.entries(deviceContent).map(([key, value]) => {
    if (!key.startsWith(DESIRED_PREFIX) || key.length === DESIRED_PREFIX.length) {
      throw new HubError(
        'INVALID_ARGUMENT',
        `Content key ${key} must name a property as properties.desired.<path>.`,
      );
    }
    const path = key.slice(DESIRED_PREFIX.length);
    const segments = path.split('.');
    if (segments.some((s) => s === '')) {
      throw new HubError('INVALID_ARGUMENT', `Content key ${key} has an empty path segment.`);
    }
    return { path, segments, value };
  });
  return entries.sort((a, b) => a.segments.length - b.segments.length);
}

/** True when `path` is `ancestor` or lies below it. */
export function isAtOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`);
}

/** Sets a copy of `value` at `segments`, replacing non-objects on the way with `{}`. */
export function setAt(tree: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of segments.slice(0, -1)) {
    const child = Object.hasOwn(node, key) ? node[key] : undefined;
    if (isPlainObject(child)) node = child;
    else {
      const created: Record<string, unknown> = {};
      setOwn(node, key, created);
      node = created;
    }
  }
  const last = segments.at(-1);
  if (last !== undefined) setOwn(node, last, cloneJson(value));
}

/** Removes the member at `segments`, if present; parents are kept (possibly empty). */
export function deleteAt(tree: Record<string, unknown>, segments: readonly string[]): void {
  let node: unknown = tree;
  for (const key of segments.slice(0, -1)) {
    node = isPlainObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
    if (!isPlainObject(node)) return;
  }
  const last = segments.at(-1);
  if (last !== undefined && isPlainObject(node)) delete node[last];
}
