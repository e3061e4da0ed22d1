import type { Actor, Change, ChangeKind } from '../contracts/change';

/** One change as the audit trail and the event stream show it: who did what, when, to what. */
export interface AuditEntry {
  seq: number;
  /** ISO-8601 UTC wall time of the change. */
  at: string;
  actor: Actor;
  kind: ChangeKind;
  /** The record the change is about: a device id, a user name, a policy name. */
  id: string;
  /** Set for device and twin changes: the device the change is about. */
  deviceId?: string;
  /** The hub where the change was made. */
  origin: string;
  /** What changed, with anything secret-looking removed. */
  patch: unknown;
}

/** Change kinds about operator accounts: only admins see them. */
export const USER_CHANGE_KINDS: ReadonlySet<ChangeKind> = new Set([
  'userCreated',
  'userRoleChanged',
  'userPasswordChanged',
  'userDeleted',
]);

/** True when the change is about a device (its identity or its twin). */
export function isDeviceChange(kind: ChangeKind): boolean {
  return kind.startsWith('device') || kind.startsWith('twin');
}

/** Whether a caller may see a change: user-management changes are for admins only. */
export function auditVisible(change: Pick<Change, 'kind'>, canSeeUserChanges: boolean): boolean {
  return canSeeUserChanges || !USER_CHANGE_KINDS.has(change.kind);
}

// Patches are written without secrets at their source; this is the second line of defence, for
// change kinds added later. Key names compared case-insensitively.
const SECRET_KEYS = new Set([
  'password',
  'passwordhash',
  'primarykey',
  'secondarykey',
  'symmetrickey',
  'sharedaccesskey',
  'token',
  'accesstoken',
  'connectionstring',
]);

/** A deep copy of `value` without properties whose names look like secrets. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (SECRET_KEYS.has(key.toLowerCase())) continue;
    out[key] = redactSecrets(inner);
  }
  return out;
}

/** The audit view of a change. */
export function toAuditEntry(change: Change): AuditEntry {
  return {
    seq: change.seq,
    at: change.at,
    actor: change.actor,
    kind: change.kind,
    id: change.id,
    ...(isDeviceChange(change.kind) ? { deviceId: change.id } : {}),
    origin: change.origin,
    patch: redactSecrets(change.patch),
  };
}
