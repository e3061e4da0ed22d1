import { timingSafeEqual } from 'node:crypto';
import { findPolicy, hasRight, type SharedAccessPolicy } from './policies';
import { quoteForMessage, sasError } from './sas-error';
import { parseSasToken, type SasToken, signSas } from './sas-token';

/** Which of a credential's two keys signed a token (useful to log during key rotation). */
export type KeySlot = 'primary' | 'secondary';

/** What {@link verifyServiceToken} needs besides the token. */
export interface VerifyServiceTokenOptions {
  /** The hub's shared access policies. */
  policies: readonly SharedAccessPolicy[];
  /** The hub's host name followed by its aliases (DNS names, IP addresses); matched case-insensitively. */
  hostNames: readonly string[];
  /** The current time in milliseconds since the Unix epoch. */
  now: number;
  /** How far past `se` a token is still accepted, for clients whose clock runs behind. */
  skewSeconds: number;
}

/** A service token that passed every check. */
export interface VerifiedServiceToken {
  /** The policy named by `skn`; check its rights with `hasRight` per route. */
  policy: SharedAccessPolicy;
  /** Which of the policy's keys signed the token. */
  key: KeySlot;
  /** The parsed token. */
  token: SasToken;
}

/** What {@link verifyDeviceToken} needs besides the token. */
export interface VerifyDeviceTokenOptions {
  /** The device the connection claims to be (from the MQTT clientId and username). */
  deviceId: string;
  /** The module, when a module connects. */
  moduleId?: string;
  /** The device's (or module's) symmetric keys; an empty key is never accepted. */
  keys: { primaryKey: string; secondaryKey: string };
  /** The hub's host name followed by its aliases; matched case-insensitively. */
  hostNames: readonly string[];
  /** The current time in milliseconds since the Unix epoch. */
  now: number;
  /** How far past `se` a token is still accepted. */
  skewSeconds: number;
  /** Hub policies; when given, tokens signed with a DeviceConnect policy key (with `skn`) are accepted. */
  policies?: readonly SharedAccessPolicy[];
}

/** A device token that passed every check. */
export interface VerifiedDeviceToken {
  /** Which key signed the token: the device's own, or the policy's when `policy` is set. */
  key: KeySlot;
  /** The DeviceConnect policy that signed the token, for policy-signed tokens. */
  policy?: SharedAccessPolicy;
  /** The parsed token. */
  token: SasToken;
}

/** Verifies a service `Authorization` header per service-api.md §1.3; throws UNAUTHORIZED with the reason. */
export function verifyServiceToken(header: string, options: VerifyServiceTokenOptions): VerifiedServiceToken {
  const token = parseSasToken(header);
  if (token.skn === undefined) {
    throw sasError('device-token', 'A device token (without skn) cannot call the service API.');
  }
  const policyName = decodeField(token.skn, 'skn');
  const policy = findPolicy(options.policies, policyName);
  if (!policy) {
    throw sasError('unknown-policy', `No shared access policy is named ${quoteForMessage(policyName)}.`);
  }
  const key = checkSignature(token, policy.primaryKey, policy.secondaryKey);
  checkExpiry(token, options.now, options.skewSeconds);
  const resource = decodeField(token.sr, 'sr').toLowerCase();
  const isThisHub = hostsOf(options.hostNames).some((h) => resource === h || resource.startsWith(`${h}/`));
  if (!isThisHub) {
    throw sasError('wrong-hub', `The token is for another hub (sr ${quoteForMessage(resource)}).`);
  }
  return { policy, key, token };
}

/** Verifies a device SAS token (the MQTT password) per device-protocol.md §1.4; throws UNAUTHORIZED. */
export function verifyDeviceToken(token: string, options: VerifyDeviceTokenOptions): VerifiedDeviceToken {
  const parsed = parseSasToken(token);
  let policy: SharedAccessPolicy | undefined;
  let keys = options.keys;
  if (parsed.skn !== undefined) {
    if (!options.policies) {
      throw sasError('policy-token', 'Policy-signed tokens (with skn) are not accepted here.');
    }
    const policyName = decodeField(parsed.skn, 'skn');
    policy = findPolicy(options.policies, policyName);
    if (!policy) {
      throw sasError('unknown-policy', `No shared access policy is named ${quoteForMessage(policyName)}.`);
    }
    if (!hasRight(policy, 'DeviceConnect')) {
      throw sasError('missing-right', `The policy ${quoteForMessage(policy.name)} lacks DeviceConnect.`);
    }
    keys = policy;
  }
  const key = checkSignature(parsed, keys.primaryKey, keys.secondaryKey);
  checkExpiry(parsed, options.now, options.skewSeconds);
  checkDeviceResource(parsed, options);
  return policy ? { key, policy, token: parsed } : { key, token: parsed };
}

function checkDeviceResource(token: SasToken, options: VerifyDeviceTokenOptions): void {
  const resource = decodeField(token.sr, 'sr').toLowerCase();
  const path = `/devices/${options.deviceId}${options.moduleId === undefined ? '' : `/modules/${options.moduleId}`}`;
  const hosts = hostsOf(options.hostNames);
  // device-protocol.md §1.4 compares the whole decoded sr case-insensitively, device id included.
  // That grants nothing extra: the signature still needs this device's key or a DeviceConnect policy.
  if (hosts.some((h) => resource === `${h}${path}`.toLowerCase())) return;
  if (hosts.some((h) => resource === h || resource.startsWith(`${h}/`))) {
    throw sasError('wrong-device', `The token does not name this device (sr ${quoteForMessage(resource)}).`);
  }
  throw sasError('wrong-hub', `The token is for another hub (sr ${quoteForMessage(resource)}).`);
}

/** Signs `sr` and `se` exactly as sent, so raw (Node) and URL-encoded (C#, Python) `sr` both verify. */
function checkSignature(token: SasToken, primaryKey: string, secondaryKey: string): KeySlot {
  const presented = Buffer.from(decodeField(token.sig, 'sig'));
  const slots: [KeySlot, string][] = [
    ['primary', primaryKey],
    ['secondary', secondaryKey],
  ];
  for (const [slot, key] of slots) {
    // An empty key would let anyone compute the HMAC; the SDK's update() sends empty keys (pitfall 8).
    if (key === '') continue;
    const expected = Buffer.from(signSas(token.sr, token.se, key));
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) return slot;
  }
  throw sasError('bad-signature', 'The token signature does not match any key.');
}

function checkExpiry(token: SasToken, now: number, skewSeconds: number): void {
  // Whole seconds only, as every SDK writes them; anything else is refused rather than guessed at.
  if (!/^\d{1,15}$/.test(token.se))
    throw sasError('malformed', 'The token se is not a whole number of seconds.');
  const expiresAtMs = Number(token.se) * 1000;
  // The allowance is for site clocks that drift without NTP (service-api.md §5 pitfall 3).
  if (expiresAtMs <= now - skewSeconds * 1000) {
    const agoSeconds = Math.floor((now - expiresAtMs) / 1000);
    throw sasError(
      'expired',
      `The token expired ${agoSeconds} s ago at ${new Date(expiresAtMs).toISOString()} (clock skew allowance ${skewSeconds} s).`,
      { expiredSecondsAgo: agoSeconds },
    );
  }
}

function decodeField(value: string, field: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw sasError('malformed', `The token field ${field} is not valid percent-encoding.`);
  }
}

function hostsOf(hostNames: readonly string[]): string[] {
  return hostNames.map((h) => h.toLowerCase());
}
