import { HubError } from '@outpost/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sendError } from './error-map';

// Any well-formed date version is accepted (service-api.md §1.5): SDKs send 2020-09-30 to 2021-04-12+.
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** True when `v` is one well-formed `api-version` value. */
export function isApiVersion(v: unknown): v is string {
  return typeof v === 'string' && API_VERSION.test(v);
}

/** Middleware: `api-version` must be present and look like a date version. */
export function requireApiVersion(req: Request, res: Response, next: NextFunction): void {
  if (!isApiVersion(req.query['api-version'])) {
    sendError(
      res,
      new HubError(
        'INVALID_PROTOCOL_VERSION',
        'Add ?api-version=2021-04-12 (any YYYY-MM-DD version) to the URL.',
      ),
    );
    return;
  }
  next();
}

/** The largest JSON body accepted: a 100-device bulk request with full twins fits. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Middleware: parse a JSON body; wrong content type, bad JSON and oversized bodies get IoT Hub errors. */
export function jsonBody() {
  const parse = express.json({ limit: MAX_BODY_BYTES, strict: false, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    const length = Number(req.get('content-length') ?? 0);
    const chunked = req.get('transfer-encoding') !== undefined;
    if (length === 0 && !chunked) {
      req.body = undefined;
      next();
      return;
    }
    if (!req.is('application/json')) {
      sendError(
        res,
        new HubError(
          'UNSUPPORTED_MEDIA_TYPE',
          `Send the body as application/json, not ${req.get('content-type') ?? 'nothing'}.`,
        ),
      );
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as { type?: string; message?: string };
      if (e.type === 'entity.too.large') {
        return sendError(
          res,
          new HubError('PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes.`),
        );
      }
      if (e.type === 'entity.parse.failed') {
        return sendError(
          res,
          new HubError('INVALID_FORMAT', `The body is not valid JSON (${e.message ?? 'parse error'}).`),
        );
      }
      sendError(res, new HubError('INVALID_FORMAT', 'The body could not be read.'));
    });
  };
}

/** Wraps an async handler so a thrown error becomes an IoT Hub error answer. */
export function handle(fn: (req: Request, res: Response) => Promise<void> | void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    Promise.resolve()
      .then(() => fn(req, res))
      // Unexpected errors go to the app's error handler, which logs them before answering 500.
      .catch((err) => (err instanceof HubError ? sendError(res, err) : next(err)));
  };
}

/** The body as a JSON object; arrays, primitives and a missing body are refused. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HubError('INVALID_FORMAT', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}
