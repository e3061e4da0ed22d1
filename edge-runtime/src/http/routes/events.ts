import {
  auditVisible,
  type Change,
  type ConnectionEvent,
  type Hub,
  HubError,
  type Logger,
  toAuditEntry,
} from '@outpost/core';
import { type Request, Router } from 'express';
import type { AuthOptions } from '../auth';
import { bearerToken } from '../bearer-auth';
import { sendError } from '../error-map';
import { requireRole } from '../require-role';

/** What the event stream is built from. */
export interface EventsStreamOptions {
  hub: Hub;
  auth: AuthOptions;
  logger: Logger;
  /** Ends every open stream when aborted (the runtime is closing). */
  shutdown?: AbortSignal;
  /** Comment lines keep idle proxies and clients from closing a quiet stream. Default 15 s. */
  heartbeatMs?: number;
}

// A client that stops reading is cut off once this much is queued for it; it resumes with
// Last-Event-ID and the feed replays what it missed, so nothing is lost and memory stays bounded.
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

function parseSeq(text: string, where: string): number {
  if (!/^\d{1,15}$/.test(text)) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `${where} must be a seq (a whole number), not ${text.slice(0, 20)}.`,
    );
  }
  return Number(text);
}

/** Where a stream starts: after `Last-Event-ID` (an EventSource reconnecting sends it), else after `afterSeq`, else live only. */
function startAfter(req: Request, hub: Hub): number {
  const lastEventId = req.get('last-event-id');
  if (lastEventId) return parseSeq(lastEventId, 'Last-Event-ID');
  const afterSeq = req.query.afterSeq;
  if (afterSeq !== undefined) return parseSeq(String(afterSeq), 'afterSeq');
  return hub.feed.lastSeq();
}

/**
 * `GET /api/v1/events?afterSeq=N`: one Server-Sent Events stream of the change feed (event name =
 * change kind, id = seq, data = the audit entry) plus live `deviceConnected`/`deviceDisconnected`
 * events without an id (they are not in the feed, so a resume does not replay them).
 *
 * Browsers' EventSource cannot send an Authorization header, so this route (and the telemetry
 * stream, the only other one) also takes the operator token as `?access_token=`. URLs end up in
 * proxy logs and history, which is why the form is limited to the routes a browser cannot reach
 * otherwise, and tokens expire.
 */
export function eventsRouter(options: EventsStreamOptions): Router {
  const { hub, logger, shutdown } = options;
  const router = Router();
  const guard = requireRole(options.auth, 'viewer', { sasRight: 'RegistryRead', queryToken: true });
  router.get('/api/v1/events', guard, (req, res) => {
    let afterSeq: number;
    try {
      afterSeq = startAfter(req, hub);
    } catch (err) {
      sendError(res, err);
      return;
    }
    const token = bearerToken(req.get('authorization'));
    // Re-checked as the stream runs: a logout, an expiry or a deleted account ends it, and a role
    // change applies to the next event. A SAS caller is checked once, when the stream opens.
    const access = () => {
      if (token === undefined) return { ok: true, admin: false };
      const session = hub.sessions.authenticate(token);
      return { ok: session !== undefined, admin: session?.user.role === 'admin' };
    };

    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: 2000\n: changes after seq ${afterSeq}\n\n`);

    const cleanups: (() => void)[] = [];
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      for (const fn of cleanups) fn();
      if (!res.writableEnded) res.end();
    };
    const send = (chunk: string) => {
      if (ended) return;
      res.write(chunk);
      if (res.writableLength > MAX_QUEUED_BYTES) end();
    };

    const firstRetained = hub.feed.firstRetainedSeq();
    if (afterSeq < firstRetained - 1) {
      // Changes between afterSeq and the oldest retained one are gone: the client should reload.
      send(`event: feedGap\ndata: ${JSON.stringify({ afterSeq, firstRetainedSeq: firstRetained })}\n\n`);
    }

    const onChange = (change: Change) => {
      if (ended) return;
      const who = access();
      if (!who.ok) return end();
      if (!auditVisible(change, who.admin)) return;
      send(`id: ${change.seq}\nevent: ${change.kind}\ndata: ${JSON.stringify(toAuditEntry(change))}\n\n`);
    };
    const onConnection = (name: 'deviceConnected' | 'deviceDisconnected') => (event: ConnectionEvent) =>
      send(`event: ${name}\ndata: ${JSON.stringify(event)}\n\n`);
    cleanups.push(hub.events.on('deviceConnected', 'events-stream', onConnection('deviceConnected')));
    cleanups.push(hub.events.on('deviceDisconnected', 'events-stream', onConnection('deviceDisconnected')));

    const heartbeat = setInterval(() => {
      if (!access().ok) end();
      else send(': keep-alive\n\n');
    }, options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    cleanups.push(() => clearInterval(heartbeat));

    hub.feed.subscribe(afterSeq, onChange).then(
      (unsubscribe) => (ended ? unsubscribe() : cleanups.push(unsubscribe)),
      (err: unknown) => {
        if (!shutdown?.aborted) logger.warn('event stream ended', { error: String(err) });
        end();
      },
    );
    res.on('close', end);
    if (shutdown?.aborted) end();
    else if (shutdown) {
      shutdown.addEventListener('abort', end);
      cleanups.push(() => shutdown.removeEventListener('abort', end));
    }
  });
  return router;
}
