import { setTimeout as sleep } from 'node:timers/promises';
import type { TelemetryEvent } from '@outpost/core';
import type { Command } from 'commander';
import {
  readEventStream,
  resolveConnection,
  ServiceCallError,
  withConnectionOptions,
} from './service-client';

// Reconnect quickly after a blip, but do not hammer a hub that is down.
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

function formatLine(event: TelemetryEvent): string {
  const who = event.moduleId ? `${event.deviceId}/${event.moduleId}` : event.deviceId;
  const props = Object.entries({ ...event.systemProperties, ...event.properties })
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const body = event.bodyEncoding === 'base64' ? `base64:${event.body}` : event.body;
  return `#${event.seq} ${event.enqueuedTime} ${who}${props ? ` [${props}]` : ''} ${body}`;
}

/** `outpost telemetry tail`: follows the hub's telemetry stream and prints each message. */
export function registerTelemetryCommand(program: Command): void {
  const telemetry = program
    .command('telemetry')
    .description("device-to-cloud messages in the hub's telemetry outbox");
  withConnectionOptions(
    telemetry
      .command('tail')
      .description('print telemetry messages as they arrive, reconnecting where it left off (Ctrl-C stops)')
      .option('--device <id>', 'only the messages of this device')
      .option('--from <seq>', 'start at this seq (0: the oldest retained); default: new messages only')
      .option('--json', 'print each message as one JSON line'),
  ).action(async (opts: Record<string, unknown>) => {
    const conn = await resolveConnection(opts, process.env);
    const params = new URLSearchParams();
    if (typeof opts.device === 'string') params.set('deviceId', opts.device);
    if (typeof opts.from === 'string') {
      if (!/^\d+$/.test(opts.from))
        throw new Error(`--from must be a seq (a whole number), not ${opts.from}.`);
      params.set('from', opts.from);
    }
    const path = `/api/v1/telemetry/stream${params.size ? `?${params}` : ''}`;
    let lastId: string | undefined;
    let delay = FIRST_RETRY_MS;
    for (;;) {
      try {
        await readEventStream(conn, path, lastId, (event) => {
          if (event.id !== undefined) lastId = event.id;
          delay = FIRST_RETRY_MS;
          const data = JSON.parse(event.data) as TelemetryEvent;
          process.stdout.write(`${opts.json ? JSON.stringify(data) : formatLine(data)}\n`);
        });
        process.stderr.write('outpost: the hub ended the stream; reconnecting\n');
      } catch (err) {
        // Credentials, rights or arguments will not get better by retrying.
        if (err instanceof ServiceCallError && err.status < 500) throw err;
        process.stderr.write(`outpost: ${(err as Error).message}; reconnecting in ${delay / 1000} s\n`);
      }
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  });
}
