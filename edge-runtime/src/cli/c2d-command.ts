import type { C2dEnqueued, C2dMessageView } from '@outpost/core';
import type { Command } from 'commander';
import { callJson, resolveConnection, withConnectionOptions } from './service-client';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function parseProperties(pairs: string[]): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--property takes key=value, not ${pair}.`);
    properties[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return properties;
}

function messagesPath(deviceId: string): string {
  return `/api/v1/devices/${encodeURIComponent(deviceId)}/messages`;
}

/** `outpost c2d send|list|purge`: a device's cloud-to-device queue, over the hub's API. */
export function registerC2dCommand(program: Command): void {
  const c2d = program
    .command('c2d')
    .description('cloud-to-device messages (queued until the device acknowledges them)');

  withConnectionOptions(
    c2d
      .command('send <deviceId> <body>')
      .description('queue a message for a device; prints its message id')
      .option('--property <key=value>', 'an application property (repeatable)', collect)
      .option('--content-type <type>', 'content type, e.g. application/json')
      .option('--content-encoding <encoding>', 'content encoding, e.g. utf-8')
      .option('--message-id <id>', 'message id; default generated')
      .option('--correlation-id <id>', 'correlation id')
      .option('--expiry <time>', 'ISO-8601 expiry, e.g. 2030-01-01T00:00:00Z; default one hour')
      .option('--base64', 'the body argument is base64 (for binary bodies)')
      .option('--json', 'print the answer as JSON'),
  ).action(async (deviceId: string, body: string, opts: Record<string, unknown>) => {
    const conn = await resolveConnection(opts, process.env);
    const message = {
      body,
      ...(opts.base64 ? { bodyEncoding: 'base64' } : {}),
      ...(Array.isArray(opts.property) ? { properties: parseProperties(opts.property as string[]) } : {}),
      ...(typeof opts.contentType === 'string' ? { contentType: opts.contentType } : {}),
      ...(typeof opts.contentEncoding === 'string' ? { contentEncoding: opts.contentEncoding } : {}),
      ...(typeof opts.messageId === 'string' ? { messageId: opts.messageId } : {}),
      ...(typeof opts.correlationId === 'string' ? { correlationId: opts.correlationId } : {}),
      ...(typeof opts.expiry === 'string' ? { expiryTimeUtc: opts.expiry } : {}),
    };
    const queued = (await callJson(conn, 'POST', messagesPath(deviceId), message)) as C2dEnqueued;
    process.stdout.write(opts.json ? `${JSON.stringify(queued)}\n` : `${queued.messageId}\n`);
  });

  withConnectionOptions(
    c2d
      .command('list <deviceId>')
      .description('the messages queued for a device')
      .option('--json', 'print JSON'),
  ).action(async (deviceId: string, opts: Record<string, unknown>) => {
    const conn = await resolveConnection(opts, process.env);
    const messages = (await callJson(conn, 'GET', messagesPath(deviceId))) as C2dMessageView[];
    if (opts.json) process.stdout.write(`${JSON.stringify(messages, null, 2)}\n`);
    else
      for (const m of messages)
        process.stdout.write(`${m.messageId}  expires ${m.expiryTimeUtc}  ${m.body}\n`);
  });

  withConnectionOptions(
    c2d.command('purge <deviceId>').description('drop every message queued for a device'),
  ).action(async (deviceId: string, opts: Record<string, unknown>) => {
    const conn = await resolveConnection(opts, process.env);
    const result = (await callJson(conn, 'DELETE', messagesPath(deviceId))) as {
      totalMessagesPurged: number;
    };
    process.stdout.write(`purged ${result.totalMessagesPurged}\n`);
  });
}
