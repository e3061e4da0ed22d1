import { HubError, type ImportRow, parseImportCsv, parseImportJson } from '@outpost/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sendError } from '../error-map';

/** The largest import body: a 100k-row CSV with a few tags fits. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

const text = express.text({ limit: MAX_IMPORT_BYTES, type: () => true });
const json = express.json({ limit: MAX_IMPORT_BYTES, strict: false, type: () => true });

/** Middleware: reads an import body sent as `text/csv` or `application/json`; others are 415. */
export function importBody() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const parse = req.is('text/csv') ? text : req.is('application/json') ? json : undefined;
    if (!parse) {
      sendError(
        res,
        new HubError(
          'UNSUPPORTED_MEDIA_TYPE',
          `Send the import as text/csv or application/json, not ${req.get('content-type') ?? 'nothing'}.`,
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
          new HubError('PAYLOAD_TOO_LARGE', `The import is larger than ${MAX_IMPORT_BYTES} bytes.`),
        );
      }
      sendError(
        res,
        new HubError('INVALID_FORMAT', `The import body cannot be read (${e.message ?? 'parse error'}).`),
      );
    });
  };
}

/** The rows of a parsed import body and its format. */
export function importRows(req: Request): { rows: ImportRow[]; format: 'csv' | 'json' } {
  if (req.is('text/csv')) {
    if (typeof req.body !== 'string') throw new HubError('INVALID_ARGUMENT', 'The CSV import is empty.');
    return { rows: parseImportCsv(req.body), format: 'csv' };
  }
  return { rows: parseImportJson(req.body), format: 'json' };
}
