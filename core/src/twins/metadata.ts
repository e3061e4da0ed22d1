/**
 * Per-node `$metadata` of a twin section (service-api.md §3.2). The metadata tree mirrors the
 * property tree: every object and every leaf has a node carrying `$lastUpdated` (and, in the
 * desired section, `$lastUpdatedVersion`); children are keyed like the properties. Arrays are
 * leaves: they are replaced whole, so their elements get no nodes of their own.
 */
import { isPlainObject, type PlainObject } from './json-merge';

/** One metadata node: its stamps plus one child node per property key. */
export interface MetadataNode {
  $lastUpdated: string;
  $lastUpdatedVersion?: number;
  [key: string]: MetadataNode | string | number | undefined;
}

/**
 * The metadata after a merge patch. Every node on the patch's paths is stamped with `time`
 * (ISO-8601 UTC with milliseconds and `Z`) and, when given, `version` (the desired section's new
 * `$version`); the root is always stamped. A leaf written by the patch gets a fresh node (an
 * object replaced by a leaf loses its children's nodes). A deleted key loses its node, and its
 * parent, being on the patch's path, is stamped so that the deletion is timestamped. Untouched
 * nodes keep their stamps. `previous` is not changed; the result shares nothing with it.
 * The patch must have passed the key rules (checkSection): a key such as `$lastUpdated` would
 * collide with the stamps.
 */
export function updateMetadata(
  previous: PlainObject | undefined,
  patch: PlainObject,
  time: string,
  version?: number,
): MetadataNode {
  return patchNode(previous, patch, time, version);
}

/** Fresh metadata for a whole section written at once (a replace, or a first write): every node stamped. */
export function buildMetadataForReplace(tree: PlainObject, time: string, version?: number): MetadataNode {
  const node = stamp(time, version);
  for (const [key, value] of Object.entries(tree)) {
    if (value === undefined || value === null) continue;
    setChild(
      node,
      key,
      isPlainObject(value) ? buildMetadataForReplace(value, time, version) : stamp(time, version),
    );
  }
  return node;
}

/** The child node of `node` for property `key`, if any (the `$` stamps are not children). */
export function metadataChild(node: PlainObject, key: string): MetadataNode | undefined {
  if (key.startsWith('$') || !Object.hasOwn(node, key)) return undefined;
  const child = node[key];
  return isPlainObject(child) && typeof child.$lastUpdated === 'string' ? (child as MetadataNode) : undefined;
}

function patchNode(
  previous: PlainObject | undefined,
  patch: PlainObject,
  time: string,
  version: number | undefined,
): MetadataNode {
  const node = stamp(time, version);
  if (previous) {
    for (const key of Object.keys(previous)) {
      const child = metadataChild(previous, key);
      if (child) setChild(node, key, cloneNode(child));
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    // `$` keys are never properties (the key rules refuse them); skipping them keeps the stamps intact.
    if (value === undefined || key.startsWith('$')) continue;
    if (value === null) {
      delete node[key];
    } else if (isPlainObject(value)) {
      // The merge keeps an existing object's other members, so their nodes are kept too. If the
      // old value was a leaf, its node has no children, and the new object starts from nothing.
      setChild(node, key, patchNode(metadataChild(node, key), value, time, version));
    } else {
      setChild(node, key, stamp(time, version));
    }
  }
  return node;
}

function stamp(time: string, version: number | undefined): MetadataNode {
  return version === undefined
    ? { $lastUpdated: time }
    : { $lastUpdated: time, $lastUpdatedVersion: version };
}

function cloneNode(node: MetadataNode): MetadataNode {
  const copy: MetadataNode = { $lastUpdated: node.$lastUpdated };
  if (node.$lastUpdatedVersion !== undefined) copy.$lastUpdatedVersion = node.$lastUpdatedVersion;
  for (const key of Object.keys(node)) {
    const child = metadataChild(node, key);
    if (child) setChild(copy, key, cloneNode(child));
  }
  return copy;
}

// defineProperty, not assignment: a property named `__proto__` must stay an ordinary key.
function setChild(node: MetadataNode, key: string, child: MetadataNode): void {
  Object.defineProperty(node, key, { value: child, enumerable: true, writable: true, configurable: true });
}
