import type { IncomingMessage, ServerResponse } from 'node:http';
import { HubError, type Logger } from '@outpost/core';
import { logRequest } from './access-log';
import { type AuthOptions, type Caller, sasCaller } from './auth';
import { sendError, writeJson } from './error-map';
import { isApiVersion, MAX_BODY_BYTES } from './request-guards';

/** `/twins/{id}/methods` and `/twins/{id}/modules/{moduleId}/methods`, with a query string. */
const METHOD_PATH = /^\/twins\/([^/?#]+)(?:\/modules\/([^/?#]+))?\/methods\?([^#]*)$/;

/** More query parameters than this go to express (whose parser would drop some). */
const MAX_QUERY_PARAMETERS = 32;

/** The content types the lane reads as UTF-8 JSON (in lower case); any other spelling goes to express. */
const UTF8_JSON_TYPES = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
]);

/** A request the lane takes: everything checked except the body. */
interface LaneRequest {
  deviceId: string;
  moduleId: string | undefined;
  caller: Caller;
  length: number;
}

/** What the lane needs: the hub (through `auth`) and the access log. */
export interface MethodFastLaneOptions {
  auth: AuthOptions;
  logger: Logger;
}

/** A request handler that answers a request and returns true, or leaves it alone and returns false. */
export type FastLane = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The direct-method fast lane: `POST /twins/{id}/methods` (and the module form) signed with a SAS
 * policy holding ServiceConnect, answered without express. A direct method is the one call of the
 * service API whose latency is the product (an operator or back end waits on a device), and
 * express's router, query parser and body parser cost about three times the hub's whole MQTT leg
 * (test/bench/mqtt, `decomposition`).
 *
 * The lane only takes a request it can answer exactly as the express route would: POST on the
 * canonical path, one valid `api-version`, a valid SAS token with the right, a JSON body of a
 * declared length within the limit. Anything else (a bearer token, a bad token, a chunked or
 * compressed body, an odd charset) goes to express untouched, which answers it and its errors as
 * before. Once the lane takes a request, the answers are the route's: the method service's result,
 * or its errors in the IoT Hub wire format.
 */
export function methodFastLane(options: MethodFastLaneOptions): FastLane {
  const { auth, logger } = options;

  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    // Unexpected errors are logged as the express app's error handler does, then answered 500.
    if (!(err instanceof HubError)) {
      logger.error('request failed', {
        method: req.method,
        path: req.url?.split('?')[0],
        error: String(err),
      });
    }
    if (!res.headersSent) sendError(res, err);
  };

  const answer = (req: IncomingMessage, res: ServerResponse, lane: LaneRequest, body: Buffer) => {
    let invocation: unknown;
    try {
      // body-parser drops a UTF-8 byte order mark (some .NET writers send one); so does the lane.
      const text = body.toString('utf8');
      invocation = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (err) {
      sendError(
        res,
        new HubError('INVALID_FORMAT', `The body is not valid JSON (${(err as Error).message}).`),
      );
      return;
    }
    auth.hub.methods
      .invoke(lane.deviceId, lane.moduleId, invocation)
      .then((result) => writeJson(res, 200, result))
      .catch((err: unknown) => fail(req, res, err));
  };

  return (req, res) => {
    const started = performance.now();
    const lane = take(req, auth);
    if (!lane) return false;
    // Logged when the answer is sent, as the express access log does (not for a client gone before).
    res.once('finish', () =>
      logRequest(logger, {
        method: req.method,
        url: req.url ?? '',
        status: res.statusCode,
        started,
        caller: lane.caller,
      }),
    );
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      // Node's parser ends the body at content-length, so fewer bytes means a closed connection.
      if (received !== lane.length) return;
      answer(req, res, lane, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    return true;
  };
}

/** The request's route parameters and caller when the lane can answer it exactly as express would. */
function take(req: IncomingMessage, auth: AuthOptions): LaneRequest | undefined {
  if (req.method !== 'POST') return undefined;
  const match = METHOD_PATH.exec(req.url ?? '');
  if (!match) return undefined;
  const search = match[3] as string;
  // Express's query parser keeps the first 1000 parameters only; the SDK sends one.
  if (search.split('&').length > MAX_QUERY_PARAMETERS) return undefined;
  const versions = new URLSearchParams(search).getAll('api-version');
  if (versions.length !== 1 || !isApiVersion(versions[0])) return undefined;
  const headers = req.headers;
  const length = Number(headers['content-length']);
  if (!Number.isInteger(length) || length <= 0 || length > MAX_BODY_BYTES) return undefined;
  if (headers['transfer-encoding'] !== undefined) return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  if (!isUtf8Json(headers['content-type'])) return undefined;
  const authorization = headers.authorization;
  if (!authorization || authorization.startsWith('Bearer ')) return undefined;
  try {
    const deviceId = decodeURIComponent(match[1] as string);
    const moduleId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const caller = sasCaller(auth, authorization, 'ServiceConnect');
    return { deviceId, moduleId, caller, length };
  } catch {
    // A bad escape or a refused token: express answers it with the route's own error.
    return undefined;
  }
}

/** `application/json` with no charset or UTF-8, as SDKs write it; anything looser goes to express's parser. */
function isUtf8Json(contentType: string | undefined): boolean {
  return contentType !== undefined && UTF8_JSON_TYPES.has(contentType.toLowerCase());
}
