import { type AccessRight, type Hub, HubError, type Role, roleAtLeast } from '@outpost/core';
import type { Request } from 'express';
import type { Caller } from './auth';

/** The token of an `Authorization: Bearer <token>` header, or undefined for any other header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header?.startsWith('Bearer ')) return undefined;
  const token = header.slice('Bearer '.length).trim();
  return token === '' ? undefined : token;
}

// POSTs that only read: a viewer may run them although the SAS right they need also allows writes.
const READ_ONLY_POSTS = new Set(['/devices/query', '/configurations/testQueries']);

/** The full path of a request, whatever router it reached. */
export function requestPath(req: Request): string {
  return `${req.baseUrl}${req.path}`;
}

/**
 * The weakest operator role that may use a route guarded by a SAS `right`: RegistryRead and every
 * read (GET, HEAD, the read-only POSTs) → viewer; any other write → operator; DeviceConnect → admin
 * (an operator never acts as a device). So routes added later with `requireRight` get a role too.
 */
export function minimumRole(right: AccessRight, req: Request): Role {
  if (right === 'DeviceConnect') return 'admin';
  if (right === 'RegistryRead') return 'viewer';
  if (req.method === 'GET' || req.method === 'HEAD') return 'viewer';
  if (req.method === 'POST' && READ_ONLY_POSTS.has(requestPath(req))) return 'viewer';
  return 'operator';
}

/** True for Outpost's own API (`/api/v1/…`), false for the IoT Hub-compatible routes. */
export function isOwnApi(req: Request): boolean {
  return requestPath(req).startsWith('/api/v1/');
}

/**
 * The caller of a bearer token holding at least `min`. An unknown, expired or revoked token is 401.
 * A valid user lacking the role is 401 IotHubUnauthorizedAccess on IoT Hub routes, because the SDK
 * turns 403 into TooManyDevicesError (service-api.md §1.6), but 403 on Outpost's own /api/v1
 * routes, where no SDK reads the answer and "signed in, not allowed" is worth telling apart.
 */
export function bearerCaller(hub: Hub, req: Request, token: string, min: Role): Caller {
  const session = hub.sessions.authenticate(token);
  if (!session) {
    throw new HubError(
      'UNAUTHORIZED',
      'The bearer token is not a valid Outpost operator token (unknown, expired or revoked). Log in again with POST /api/v1/login.',
    );
  }
  const { name, role } = session.user;
  if (!roleAtLeast(role, min)) {
    const message = `User ${name} has the ${role} role; this operation needs ${min}.`;
    throw new HubError(isOwnApi(req) ? 'FORBIDDEN' : 'UNAUTHORIZED', message);
  }
  return { actor: { type: 'user', id: name }, user: { name, role }, expiresAt: session.expiresAt };
}
