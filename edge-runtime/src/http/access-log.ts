import type { Logger } from '@outpost/core';
import type { NextFunction, Request, Response } from 'express';
import type { Caller } from './auth';

/**
 * Middleware: one debug line per answered request (method, path, status, ms, actor). The query
 * string is never logged: `?access_token=` (event streams) and SAS tokens must not reach logs.
 */
export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.once('finish', () => {
      const caller = res.locals.caller as Caller | undefined;
      logger.debug('http request', {
        method: req.method,
        // originalUrl minus the query: req.path is relative to the router that answered.
        path: req.originalUrl.split('?')[0]?.slice(0, 300),
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(caller ? { actor: `${caller.actor.type}:${caller.actor.id}` } : {}),
      });
    });
    next();
  };
}
