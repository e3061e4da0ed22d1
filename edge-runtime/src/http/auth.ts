import {
  type AccessRight,
  type Actor,
  type Hub,
  HubError,
  hasRight,
  type Role,
  verifyServiceToken,
} from '@outpost/core';
import type { NextFunction, Request, Response } from 'express';
import { bearerCaller, bearerToken, minimumRole } from './bearer-auth';
import { sendError } from './error-map';

/** What request handlers learn about the caller: a SAS policy, or an operator with a bearer token. */
export interface Caller {
  actor: Actor;
  /** Set when the caller signed with a SAS policy. */
  policyName?: string;
  /** Set when the caller sent an operator bearer token. */
  user?: { name: string; role: Role };
  /** When the operator's token expires (bearer callers only). */
  expiresAt?: string;
}

/** The verified caller of a request (set by `requireRight`). */
export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}

/** Options for service-API authentication. */
export interface AuthOptions {
  hub: Hub;
  hostNames: readonly string[];
  skewSeconds: number;
}

/** The caller of a SAS `Authorization` header whose policy holds `right`; throws UNAUTHORIZED otherwise. */
export function sasCaller(options: AuthOptions, header: string, right: AccessRight): Caller {
  const { policy } = verifyServiceToken(header, {
    policies: options.hub.policies.list(),
    hostNames: options.hostNames,
    now: options.hub.clock.now(),
    skewSeconds: options.skewSeconds,
  });
  if (!hasRight(policy, right)) {
    throw new HubError('UNAUTHORIZED', `Policy ${policy.name} lacks the ${right} permission.`);
  }
  return { actor: { type: 'policy', id: policy.name }, policyName: policy.name };
}

/**
 * Middleware: a valid SAS token of a policy that holds `right` (service-api.md §1.3, §1.6), or an
 * operator bearer token whose role is at least `minRole` (default: derived from `right` and the
 * request, see `minimumRole`).
 */
export function requireRight(options: AuthOptions, right: AccessRight, minRole?: Role) {
  return (req: Request, res: Response, next: NextFunction): void => {
    try {
      const header = req.get('authorization');
      if (!header) throw new HubError('UNAUTHORIZED', 'The Authorization header is missing.');
      if (header.startsWith('Bearer ')) {
        // [LOCAL] an offline hub cannot validate Azure AD tokens: a bearer token is an operator's.
        const token = bearerToken(header);
        if (!token) throw new HubError('UNAUTHORIZED', 'The bearer token is empty.');
        res.locals.caller = bearerCaller(options.hub, req, token, minRole ?? minimumRole(right, req));
        next();
        return;
      }
      res.locals.caller = sasCaller(options, header, right);
      next();
    } catch (err) {
      sendError(res, err);
    }
  };
}
