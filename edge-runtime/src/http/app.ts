import type { RequestListener } from 'node:http';
import { type Hub, HubError, type Logger } from '@outpost/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { HubMetrics } from '../metrics/hub-metrics';
import type { TelemetryOutbox } from '../outbox';
import { OUTPOST_VERSION } from '../version';
import { accessLog } from './access-log';
import type { AuthOptions } from './auth';
import { sendError } from './error-map';
import { methodFastLane } from './method-fast-lane';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { operatorUiRouter } from './operator-ui';
import { requireApiVersion } from './request-guards';
import { auditRouter } from './routes/audit';
import { c2dRouter } from './routes/c2d';
import { configurationTestQueriesRouter } from './routes/configuration-test-queries';
import { configurationsRouter } from './routes/configurations';
import { devicesRouter } from './routes/devices';
import { eventsRouter } from './routes/events';
import { fleetExportRouter } from './routes/fleet-export';
import { fleetImportsRouter } from './routes/fleet-imports';
import { fleetLifecycleRouter } from './routes/fleet-lifecycle';
import { fleetOperationsRouter } from './routes/fleet-operations';
import { type HubInfoSource, hubInfoRouter } from './routes/hub-info';
import { jobsRouter } from './routes/jobs';
import { loginRouter } from './routes/login';
import { methodsRouter } from './routes/methods';
import { metricsRouter } from './routes/metrics';
import { monitorRouter } from './routes/monitor';
import { queryRouter } from './routes/query';
import { telemetryStreamRouter } from './routes/telemetry-stream';
import { twinsRouter } from './routes/twins';
import { usersRouter } from './routes/users';

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
  /** The telemetry outbox, served as `GET /api/v1/telemetry/stream` when given. */
  telemetry?: TelemetryOutbox;
  /** Aborted when the runtime closes: long-lived responses (event streams) end. */
  shutdown?: AbortSignal;
  /** The hub's metrics, served as `GET /metrics` when given. */
  metrics?: HubMetrics;
  /** Serves `GET /api/v1/hub` and the CA download when given. */
  hubInfo?: HubInfoSource;
  /** The operator UI's built files (default renderer/dist); `false` serves no UI. */
  uiDir?: string | false;
}

/**
 * The hub's HTTPS request handler: the direct-method fast lane (method-fast-lane.ts), then the
 * express app. The lane runs before every express middleware: one added in front of the routes
 * (rate limiting, auditing) must be added to the lane too, or the lane must leave those requests.
 */
export function createHttpHandler(options: HttpAppOptions): RequestListener {
  const app = createHttpApp(options);
  const lane = methodFastLane({ auth: authOptions(options), logger: options.logger });
  return (req, res) => {
    if (!lane(req, res)) app(req, res);
  };
}

function authOptions(options: HttpAppOptions): AuthOptions {
  return { hub: options.hub, hostNames: options.hostNames, skewSeconds: options.skewSeconds };
}

/** Builds the express app of the hub's HTTPS API; it never calls listen(). */
export function createHttpApp(options: HttpAppOptions): Express {
  const { hub, logger } = options;
  const auth = authOptions(options);
  const app = express();
  app.disable('x-powered-by');
  // Twins carry their own etag header; express's body-hash etag would only confuse clients.
  app.set('etag', false);
  app.use(accessLog(logger));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', hubId: hub.hubId, devices: hub.devices.size(), lastSeq: hub.feed.lastSeq() });
  });

  // Public like /health: it describes the API, it reveals nothing about the hub's data.
  let openApi: unknown;
  app.get('/api/openapi.json', (_req, res) => {
    openApi ??= buildOpenApiDocument({ version: OUTPOST_VERSION });
    res.json(openApi);
  });
  if (options.metrics) app.use(metricsRouter(options.metrics, auth));
  // The operator UI: static files, public like /health (they hold no data; the API is guarded).
  if (options.uiDir !== false) app.use(operatorUiRouter(options.uiDir));

  // The IoT Hub-compatible routes sit at the root where IoT Hub has them, and need an api-version.
  app.use(IOT_HUB_PREFIXES, requireApiVersion);
  app.use(queryRouter(hub, auth));
  app.use(devicesRouter(hub, auth));
  app.use(twinsRouter(hub, auth));
  app.use(methodsRouter(hub, auth));
  app.use(c2dRouter(hub, auth));
  app.use(jobsRouter(hub, auth));
  app.use(configurationsRouter(hub, auth));
  app.use(configurationTestQueriesRouter(hub, auth));
  // Operators: sessions, accounts, the audit trail and the live event stream.
  app.use(loginRouter(hub, auth));
  app.use(usersRouter(hub, auth));
  app.use(auditRouter(hub, auth));
  // Fleet operations: provision, configure, monitor, retire (core/src/fleet).
  app.use(fleetImportsRouter(hub, auth));
  app.use(fleetExportRouter(hub, auth));
  app.use(fleetLifecycleRouter(hub, auth));
  app.use(fleetOperationsRouter(hub, auth));
  app.use(monitorRouter(hub, auth));
  if (options.hubInfo) app.use(hubInfoRouter(hub, auth, options.hubInfo));
  app.use(eventsRouter({ hub, auth, logger, ...(options.shutdown ? { shutdown: options.shutdown } : {}) }));
  if (options.telemetry) {
    app.use(
      telemetryStreamRouter({
        outbox: options.telemetry,
        auth,
        logger,
        ...(options.shutdown ? { shutdown: options.shutdown } : {}),
      }),
    );
  }

  app.use((req: Request, res: Response) => {
    sendError(res, new HubError('NOT_FOUND', `No route for ${req.method} ${req.path}.`));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error('request failed', { method: req.method, path: req.path, error: String(err) });
    sendError(res, err);
  });
  return app;
}
