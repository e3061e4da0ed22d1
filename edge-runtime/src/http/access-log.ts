import type { Logger } from '@outpost/core';
import type { NextFunction, Request, Response } from 'express';
import type { Caller } from './auth';

/**
 * The debug line of one answered request (method, path, status, ms, actor). The query string is
 * never logged: `?access_token=` (event streams) and SAS tokens must not reach logs.
 */
export function logRequest(
  logger: Logger,
  line: { method: string | undefined; url: string; status: number; started: number; caller?: Caller },
): void {
  logger.debug('http request', {
    method: line.method,
    path: line.url.split('?')[0]?.slice(0, 300),
    status: line.status,
    ms: Math.round((performance.now() - line.started) * 10) / 10,
    ...(line.caller ? { actor: `${line.caller.actor.type}:${line.caller.actor.id}` } : {}),
  });
}

/** Middleware: one debug line per answered request ({@link logRequest}). */
export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.once('finish', () => {
      const caller = res.locals.caller as Caller | undefined;
      // originalUrl: req.path is relative to the router that answered.
      logRequest(logger, {
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        started,
        ...(caller ? { caller } : {}),
      });
    });
    next();
  };
}
