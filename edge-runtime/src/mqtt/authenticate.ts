/**
 * CONNECT authentication (device-protocol.md §1.3–§1.6, §5 item 3): the username and clientId name
 * the identity, and either a SAS token in the password or the TLS client certificate proves it.
 * Every refusal is CONNACK 5; the reason goes to the log, never to the device.
 */
import { createHash } from 'node:crypto';
import { type Hub, identityKey, isHubError, verifyDeviceToken } from '@outpost/core';
import type { PeerCertificate } from './transport';
import { parseUsername } from './username';

/** An identity that proved itself. */
export interface AuthenticatedIdentity {
  deviceId: string;
  moduleId?: string;
  method: 'sas' | 'x509';
  /** The DeviceConnect policy that signed the token, for policy-signed tokens. */
  policyName?: string;
  /** When the SAS token stops being accepted (its `se` plus the skew allowance), in ms. */
  expiresAtMs?: number;
}

/** A refused CONNECT, with the reason for the log. */
export class AuthFailure extends Error {
  constructor(readonly reason: string) {
    super(`CONNECT refused: ${reason}`);
  }
}

/** What a CONNECT carries. */
export interface ConnectCredentials {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  peer: PeerCertificate | undefined;
}

/** What authentication checks against. */
export interface AuthContext {
  hub: Hub;
  /** The hub's host name and aliases; the username's host must be one of them (case-insensitive). */
  hostNames: readonly string[];
  skewSeconds: number;
}

/** Authenticates a CONNECT; throws AuthFailure. */
export function authenticateDevice(creds: ConnectCredentials, ctx: AuthContext): AuthenticatedIdentity {
  const user = parseUsername(creds.username);
  if (!user) throw new AuthFailure('the username is not {host}/{device}[/{module}]/?…');
  const { deviceId, moduleId } = user;
  if (creds.clientId !== identityKey(deviceId, moduleId)) {
    throw new AuthFailure('the clientId differs from the identity in the username');
  }
  const host = user.host.toLowerCase();
  if (!ctx.hostNames.some((h) => h.toLowerCase() === host))
    throw new AuthFailure('the username names another hub');
  // [LOCAL] the registry has no modules yet, so no module can prove an identity.
  if (moduleId !== undefined) throw new AuthFailure('modules are not registered on this hub');
  const rec = ctx.hub.devices.get(deviceId);
  if (!rec) throw new AuthFailure('unknown device');
  if (rec.identity.status !== 'enabled') throw new AuthFailure('the device is disabled');
  const auth = rec.identity.authentication;

  if (creds.password && creds.password.length > 0) {
    try {
      const verified = verifyDeviceToken(creds.password.toString('utf8'), {
        deviceId,
        keys: {
          primaryKey: auth.symmetricKey.primaryKey ?? '',
          secondaryKey: auth.symmetricKey.secondaryKey ?? '',
        },
        hostNames: ctx.hostNames,
        now: ctx.hub.clock.now(),
        skewSeconds: ctx.skewSeconds,
        policies: ctx.hub.policies.list(),
      });
      const expiresAtMs = (Number(verified.token.se) + ctx.skewSeconds) * 1000;
      return {
        deviceId,
        method: 'sas',
        expiresAtMs,
        ...(verified.policy ? { policyName: verified.policy.name } : {}),
      };
    } catch (err) {
      if (!isHubError(err)) throw err;
      throw new AuthFailure(`SAS token refused (${String(err.details?.reason ?? err.message)})`);
    }
  }

  // X.509 devices send no password (§1.6); the certificate came with the TLS handshake.
  const peer = creds.peer;
  if (!peer) throw new AuthFailure('neither a SAS token nor a client certificate');
  const now = ctx.hub.clock.now();
  if (!(peer.validFrom <= now && now <= peer.validTo))
    throw new AuthFailure('the client certificate is not valid now');
  if (auth.type === 'selfSigned') {
    const registered = [auth.x509Thumbprint.primaryThumbprint, auth.x509Thumbprint.secondaryThumbprint]
      .filter((t): t is string => !!t)
      .map((t) => t.toUpperCase());
    const presented = ['sha1', 'sha256'].map((alg) =>
      createHash(alg).update(peer.der).digest('hex').toUpperCase(),
    );
    if (presented.some((t) => registered.includes(t))) return { deviceId, method: 'x509' };
    throw new AuthFailure('the client certificate thumbprint is not registered');
  }
  if (auth.type === 'certificateAuthority') {
    if (!peer.chainVerified) throw new AuthFailure('the client certificate does not chain to a trusted CA');
    if (peer.commonName !== deviceId) throw new AuthFailure('the client certificate CN is not the device id');
    return { deviceId, method: 'x509' };
  }
  throw new AuthFailure(`a ${auth.type} device cannot use a client certificate`);
}
