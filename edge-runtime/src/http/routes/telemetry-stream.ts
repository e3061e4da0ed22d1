import { isUtf8 } from 'node:buffer';
import { HubError, type Logger, type TelemetryEvent } from '@outpost/core';
import { type Request, type Response, Router } from 'express';
import { followOutbox, type OutboxRecord, type TelemetryOutbox } from '../../outbox';
import type { AuthOptions } from '../auth';
import { bearerToken } from '../bearer-auth';
import { sendError } from '../error-map';
import { requireRole } from '../require-role';

/** What the telemetry stream is built from. */
export interface TelemetryStreamOptions {
  outbox: TelemetryOutbox;
  auth: AuthOptions;
  logger: Logger;
  /** Ends every open stream when aborted (the runtime is closing). */
  shutdown?: AbortSignal;
  /** Comment lines keep idle proxies and clients from closing a quiet stream. Default 15 s. */
  heartbeatMs?: number;
}

/** The event data of a record. */
export function toTelemetryEvent(record: OutboxRecord): TelemetryEvent {
  const text = isUtf8(record.body);
  return {
    seq: record.seq,
    deviceId: record.deviceId,
    ...(record.moduleId !== undefined ? { moduleId: record.moduleId } : {}),
    enqueuedTime: record.enqueuedTime,
    systemProperties: record.systemProperties,
    properties: record.properties,
    body: record.body.toString(text ? 'utf8' : 'base64'),
    bodyEncoding: text ? 'utf8' : 'base64',
  };
}

function parseSeq(text: string, where: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw new HubError(
      'INVALID_ARGUMENT',
      `${where} must be a seq (a whole number), not ${text.slice(0, 20)}.`,
    );
  return Number(text);
}

/**
 * Where a stream starts: after `Last-Event-ID` (an EventSource reconnecting sends it, and it wins
 * over the URL it reuses), else at `from` (inclusive, 0 = the oldest retained), else with new messages only.
 */
function startSeq(req: Request, outbox: TelemetryOutbox): number {
  const lastEventId = req.get('last-event-id');
  if (lastEventId) return parseSeq(lastEventId, 'Last-Event-ID') + 1;
  const from = req.query.from;
  if (from !== undefined) return parseSeq(String(from), 'from');
  return outbox.stats().nextSeq;
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * `GET /api/v1/telemetry/stream?deviceId=…&from=…`: the outbox as Server-Sent Events, one per message, `id` = seq.
 * A SAS policy needs ServiceConnect; an operator needs viewer. Like the change feed's stream, it also
 * takes the operator token as `?access_token=`, because a browser's EventSource cannot send headers.
 */
export function telemetryStreamRouter(options: TelemetryStreamOptions): Router {
  const { outbox, logger, shutdown } = options;
  const router = Router();
  const guard = requireRole(options.auth, 'viewer', { sasRight: 'ServiceConnect', queryToken: true });
  router.get('/api/v1/telemetry/stream', guard, (req, res) => {
    let fromSeq: number;
    try {
      fromSeq = startSeq(req, outbox);
    } catch (err) {
      sendError(res, err);
      return;
    }
    const deviceId =
      typeof req.query.deviceId === 'string' && req.query.deviceId !== '' ? req.query.deviceId : undefined;
    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: 2000\n: telemetry from seq ${fromSeq}${deviceId ? ` of ${deviceId}` : ''}\n\n`);

    // An operator's stream lasts as long as their session: a logout, an expiry or a deleted account
    // ends it at the next message or heartbeat (as the change-feed stream does). A SAS caller is
    // checked once, when the stream opens.
    const token = bearerToken(req.get('authorization'));
    const stillSignedIn = () =>
      token === undefined || options.auth.hub.sessions.authenticate(token) !== undefined;
    const heartbeat = setInterval(() => {
      if (!stillSignedIn()) end();
      else res.write(': keep-alive\n\n');
    }, options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    let stop = () => {};
    const end = () => {
      stop();
      clearInterval(heartbeat);
      shutdown?.removeEventListener('abort', end);
      if (!res.writableEnded) res.end();
    };
    stop = followOutbox(outbox, {
      fromSeq,
      deliver: async (records) => {
        if (!stillSignedIn()) return end();
        for (const record of records) {
          if (deviceId !== undefined && record.deviceId !== deviceId) continue;
          if (res.writableEnded) return;
          const ok = res.write(`id: ${record.seq}\ndata: ${JSON.stringify(toTelemetryEvent(record))}\n\n`);
          if (!ok) await drained(res);
        }
      },
      onError: (err) => {
        if (!shutdown?.aborted) logger.warn('telemetry stream ended', { error: String(err) });
        end();
      },
    });
    res.on('close', end);
    if (shutdown?.aborted) end();
    else shutdown?.addEventListener('abort', end);
  });
  return router;
}
