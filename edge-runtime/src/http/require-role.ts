import { type AccessRight, HubError, type Role } from '@outpost/core';
import type { NextFunction, Request, Response } from 'express';
import { type AuthOptions, requireRight } from './auth';
import { sendError } from './error-map';

/** How an Outpost route (`/api/v1/…`) admits callers besides operators holding the role. */
export interface RoleOptions {
  /** SAS policies holding this right are admitted too; without it only operator tokens are. */
  sasRight?: AccessRight;
  /** Also take the bearer token from `?access_token=` (the event stream only, see events.ts). */
  queryToken?: boolean;
}

/**
 * Middleware of Outpost's own routes: an operator bearer token of at least `min` (403 Forbidden
 * when the role is too weak: these routes are not read by the IoT Hub SDK), or a SAS policy with
 * `options.sasRight` when given. A missing, invalid or expired credential is 401.
 */
export function requireRole(auth: AuthOptions, min: Role, options: RoleOptions = {}) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const queryToken = req.query.access_token;
    if (options.queryToken && !req.get('authorization') && typeof queryToken === 'string') {
      // Read by requireRight like a header; the URL form exists only for browsers' EventSource.
      req.headers.authorization = `Bearer ${queryToken}`;
    }
    const header = req.get('authorization');
    if (header?.startsWith('SharedAccessSignature') && !options.sasRight) {
      sendError(
        res,
        new HubError(
          'FORBIDDEN',
          'This operation needs an operator login (POST /api/v1/login), not a SAS policy.',
        ),
      );
      return;
    }
    requireRight(auth, options.sasRight ?? 'RegistryRead', min)(req, res, next);
  };
}
