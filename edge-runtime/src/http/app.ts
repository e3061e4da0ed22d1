import { type Hub, HubError, type Logger } from '@outpost/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AuthOptions } from './auth';
import { sendError } from './error-map';
import { requireApiVersion } from './request-guards';
import { devicesRouter } from './routes/devices';
import { queryRouter } from './routes/query';
import { twinsRouter } from './routes/twins';

/** Path prefixes of the IoT Hub service API. */
export const IOT_HUB_PREFIXES = ['/devices', '/twins', '/statistics', '/jobs', '/configurations'];

/** What the HTTP API is built from. */
export interface HttpAppOptions {
  hub: Hub;
  /** The hub's host name and aliases, for SAS `sr` checks. */
  hostNames: readonly string[];
  /** Clock-skew tolerance for token expiry. */
  skewSeconds: number;
  logger: Logger;
}

/** Builds the express app of the hub's HTTPS API; it never calls listen(). */
export function createHttpApp(options: HttpAppOptions): Express {
  const { hub, logger } = options;
  const auth: AuthOptions = { hub, hostNames: options.hostNames, skewSeconds: options.skewSeconds };
  const app = express();
  app.disable('x-powered-by');
  // Twins carry their own etag header; express's body-hash etag would only confuse clients.
  app.set('etag', false);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', hubId: hub.hubId, devices: hub.devices.size(), lastSeq: hub.feed.lastSeq() });
  });

  // The IoT Hub-compatible routes sit at the root where IoT Hub has them, and need an api-version.
  app.use(IOT_HUB_PREFIXES, requireApiVersion);
  app.use(queryRouter(hub, auth));
  app.use(devicesRouter(hub, auth));
  app.use(twinsRouter(hub, auth));

  app.use((req: Request, res: Response) => {
    sendError(res, new HubError('NOT_FOUND', `No route for ${req.method} ${req.path}.`));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error('request failed', { method: req.method, path: req.path, error: String(err) });
    sendError(res, err);
  });
  return app;
}
