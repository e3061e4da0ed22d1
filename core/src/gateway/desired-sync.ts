/**
 * Which desired-property patch a device should receive (device-protocol.md §2.6, §4): the change
 * exactly as the back end applied it when the device is one version behind, otherwise one
 * synthetic patch from what it last received to the current section, `null` marking removed keys.
 * The SDK merges whatever arrives and never compares `$version`s, so either keeps it in step.
 */
import { applyMergePatch, isPlainObject } from '../twins/json-merge';
import type { DeliveredDesired } from './subscription-intents';

type Section = Record<string, unknown>;

/** A committed desired change, as the twin service records it in the change feed. */
export interface DesiredChange {
  /** The desired `$version` the change produced. */
  version: number;
  /** The merge patch, or for a replace the whole new section. */
  patch: Section;
  /** True for a replace (PUT /twins): members not in `patch` were removed. */
  replaced: boolean;
}

/** What to publish: the body (with `$version`) and what the device then holds, if that is known. */
export interface DesiredNotification {
  body: Section;
  version: number;
  delivered: DeliveredDesired | undefined;
}

/**
 * The notification that brings a device from `delivered` to `current`, or undefined when it is
 * already there. `change`, when given, is the change being announced.
 */
export function desiredNotification(input: {
  delivered: DeliveredDesired | undefined;
  current: DeliveredDesired;
  change?: DesiredChange;
}): DesiredNotification | undefined {
  const { delivered, current, change } = input;
  if (delivered && delivered.version >= current.version) return undefined;
  if (change && (!delivered || delivered.version === change.version - 1)) {
    // For a replace the device must also drop what the new section no longer has.
    const patch =
      change.replaced && delivered ? replacementPatch(delivered.desired, change.patch) : change.patch;
    return finish(patch, change.version, delivered);
  }
  if (!delivered) return undefined;
  return finish(diffSections(delivered.desired, current.desired), current.version, delivered);
}

function finish(
  patch: Section,
  version: number,
  delivered: DeliveredDesired | undefined,
): DesiredNotification {
  const { $version: _v, $metadata: _m, ...members } = patch;
  // Without a known starting point the device's state after the merge is unknown too.
  const next = delivered ? { version, desired: applyMergePatch(delivered.desired, members) } : undefined;
  return { body: { ...members, $version: version }, version, delivered: next };
}

/** The merge patch turning `from` into `to`: new and changed members, `null` for removed ones. */
export function diffSections(from: Section, to: Section): Section {
  const patch: Section = {};
  for (const [key, value] of Object.entries(to)) {
    const old = Object.hasOwn(from, key) ? from[key] : undefined;
    if (old === undefined) set(patch, key, value);
    else if (isPlainObject(old) && isPlainObject(value)) {
      const inner = diffSections(old, value);
      if (Object.keys(inner).length > 0) set(patch, key, inner);
    } else if (JSON.stringify(old) !== JSON.stringify(value)) set(patch, key, value);
  }
  for (const key of Object.keys(from)) if (!Object.hasOwn(to, key)) set(patch, key, null);
  return patch;
}

/** All of `to`, plus `null` for every member of `from` it no longer has, at any depth. */
export function replacementPatch(from: Section, to: Section): Section {
  const patch: Section = {};
  for (const [key, value] of Object.entries(to)) {
    if (key.startsWith('$')) continue;
    const old = Object.hasOwn(from, key) ? from[key] : undefined;
    set(patch, key, isPlainObject(old) && isPlainObject(value) ? replacementPatch(old, value) : value);
  }
  for (const key of Object.keys(from)) if (!Object.hasOwn(to, key)) set(patch, key, null);
  return patch;
}

// defineProperty: a member named `__proto__` must stay an ordinary key.
function set(obj: Section, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
