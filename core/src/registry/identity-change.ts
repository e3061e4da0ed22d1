import type { DeviceIdentity } from '../contracts/device';

/** An identity without its secrets, fit for the change feed, events and logs. */
export function publicIdentity(identity: DeviceIdentity): Record<string, unknown> {
  const { authentication, ...rest } = identity;
  return {
    ...rest,
    authentication: { type: authentication.type, x509Thumbprint: authentication.x509Thumbprint },
  };
}

/** The fields an identity update changed, with key material reduced to a "rotated" flag. */
export function describeIdentityChange(prev: DeviceIdentity, next: DeviceIdentity): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of ['status', 'statusReason', 'deviceScope'] as const) {
    if (prev[key] !== next[key]) patch[key] = next[key];
  }
  if (prev.capabilities.iotEdge !== next.capabilities.iotEdge) patch.capabilities = next.capabilities;
  if (JSON.stringify(prev.parentScopes) !== JSON.stringify(next.parentScopes)) {
    patch.parentScopes = next.parentScopes;
  }
  const a = prev.authentication;
  const b = next.authentication;
  if (a.type !== b.type) patch.authenticationType = b.type;
  if (
    a.symmetricKey.primaryKey !== b.symmetricKey.primaryKey ||
    a.symmetricKey.secondaryKey !== b.symmetricKey.secondaryKey
  ) {
    patch.keysRotated = true;
  }
  if (JSON.stringify(a.x509Thumbprint) !== JSON.stringify(b.x509Thumbprint)) {
    patch.x509Thumbprint = b.x509Thumbprint;
  }
  return patch;
}
