import {
  type AccessRight,
  type Actor,
  type Hub,
  HubError,
  hasRight,
  verifyServiceToken,
} from '@outpost/core';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './error-map';

/** What request handlers learn about the caller. */
export interface Caller {
  actor: Actor;
  policyName: string;
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

/** Middleware: a valid SAS token of a policy that holds `right` (service-api.md §1.3, §1.6). */
export function requireRight(options: AuthOptions, right: AccessRight) {
  return (req: Request, res: Response, next: NextFunction): void => {
    try {
      const header = req.get('authorization');
      if (!header) throw new HubError('UNAUTHORIZED', 'The Authorization header is missing.');
      if (header.startsWith('Bearer ')) {
        // [LOCAL] an offline hub cannot validate Azure AD tokens.
        throw new HubError(
          'UNAUTHORIZED',
          'Bearer (Azure AD) tokens are not supported here; use a SAS policy.',
        );
      }
      const { policy } = verifyServiceToken(header, {
        policies: options.hub.policies.list(),
        hostNames: options.hostNames,
        now: options.hub.clock.now(),
        skewSeconds: options.skewSeconds,
      });
      if (!hasRight(policy, right)) {
        throw new HubError('UNAUTHORIZED', `Policy ${policy.name} lacks the ${right} permission.`);
      }
      res.locals.caller = {
        actor: { type: 'policy', id: policy.name },
        policyName: policy.name,
      } satisfies Caller;
      next();
    } catch (err) {
      sendError(res, err);
    }
  };
}
