import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { createSasToken, parseConnectionString } from '@outpost/core';
import type { Command } from 'commander';
import { createEventStreamParser, type StreamEvent } from './event-stream-parser';

/** Where and as whom a CLI command calls a hub's API. */
export interface ServiceConnection {
  url: URL;
  /** PEM of the CA to trust; the system's CAs (and NODE_EXTRA_CA_CERTS) when absent. */
  ca?: string;
  hostName: string;
  policyName: string;
  key: string;
}

/** Adds `--url`, `--ca` and `--connection-string` to a command. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'the hub API, e.g. https://hub.site1.lan:8443 (env OUTPOST_URL; default https://<HostName>:8443)',
    )
    .option('--ca <file>', "PEM file of the hub's CA (env OUTPOST_CA; default the system's CAs)")
    .option(
      '--connection-string <cs>',
      'HostName=…;SharedAccessKeyName=…;SharedAccessKey=… (env OUTPOST_CONNECTION_STRING)',
    );
}

/** Resolves the connection from options, then environment variables. */
export async function resolveConnection(
  opts: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Promise<ServiceConnection> {
  const pick = (flag: unknown, name: string) =>
    typeof flag === 'string' && flag !== '' ? flag : env[name] || undefined;
  const cs = pick(opts.connectionString, 'OUTPOST_CONNECTION_STRING');
  if (!cs)
    throw new Error(
      'Give --connection-string or set OUTPOST_CONNECTION_STRING (a policy connection string).',
    );
  const fields = parseConnectionString(cs);
  const hostName = fields.HostName;
  const policyName = fields.SharedAccessKeyName;
  const key = fields.SharedAccessKey;
  if (!hostName || !policyName || !key) {
    throw new Error('The connection string needs HostName, SharedAccessKeyName and SharedAccessKey.');
  }
  const url = new URL(pick(opts.url, 'OUTPOST_URL') ?? `https://${hostName}:8443`);
  const caPath = pick(opts.ca, 'OUTPOST_CA');
  const ca = caPath ? await readFile(caPath, 'utf8') : undefined;
  return { url, hostName, policyName, key, ...(ca !== undefined ? { ca } : {}) };
}

/** A SAS token for the connection's policy, valid for an hour. */
export function authorization(conn: ServiceConnection): string {
  return createSasToken({
    resourceUri: conn.hostName,
    key: conn.key,
    policyName: conn.policyName,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
}

/** An HTTP error answer turned into a readable error (the IoT Hub body is `ErrorCode:Name;message`). */
export class ServiceCallError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    let text = body.trim();
    try {
      const parsed = JSON.parse(body) as { Message?: unknown };
      if (typeof parsed.Message === 'string') text = parsed.Message.replace(/^ErrorCode:([^;]*);/, '$1: ');
    } catch {}
    super(`HTTP ${status}${text ? ` ${text}` : ''}`);
  }
}

function request(conn: ServiceConnection, method: string, path: string, headers: Record<string, string>) {
  return https.request(new URL(path, conn.url), {
    method,
    headers: { authorization: authorization(conn), ...headers },
    ...(conn.ca !== undefined ? { ca: conn.ca } : {}),
    agent: false,
  });
}

/** A whole 2xx answer of the hub's API: status, headers and the parsed JSON body (undefined when empty). */
export interface ApiAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * Calls the API at `target` with an optional Authorization header, JSON body and extra headers;
 * resolves with the whole answer or rejects with ServiceCallError on a non-2xx status. The one
 * HTTPS request function of the CLI's JSON calls (SAS, bearer or none).
 */
export function sendJson(
  target: { url: URL; ca?: string },
  authorizationHeader: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<ApiAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = {
    ...(authorizationHeader !== undefined ? { authorization: authorizationHeader } : {}),
    ...(payload
      ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length) }
      : {}),
    ...extraHeaders,
  };
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, target.url), {
      method,
      headers,
      ...(target.ca !== undefined ? { ca: target.ca } : {}),
      agent: false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) return reject(new ServiceCallError(status, text));
        try {
          resolve({ status, headers: res.headers, body: text ? JSON.parse(text) : undefined });
        } catch {
          reject(new Error(`The hub answered ${status} with a body that is not JSON.`));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Calls the API with an optional JSON body; resolves with the parsed JSON answer or rejects with ServiceCallError. */
export async function callJson(
  conn: ServiceConnection,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  return (await sendJson(conn, authorization(conn), method, path, body)).body;
}

/**
 * Opens a Server-Sent Events stream and calls `onEvent` per event; resolves when the hub ends the
 * stream, rejects on connection errors and with ServiceCallError on a non-200 answer.
 */
export function readEventStream(
  conn: ServiceConnection,
  path: string,
  lastEventId: string | undefined,
  onEvent: (event: StreamEvent) => void,
): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  return new Promise((resolve, reject) => {
    const req = request(conn, 'GET', path, headers);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          reject(new ServiceCallError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))),
        );
        return;
      }
      res.setEncoding('utf8');
      const feed = createEventStreamParser(onEvent);
      res.on('data', (text: string) => feed(text));
      res.on('end', () => resolve());
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('the stream was cut off')));
    });
    req.on('error', reject);
    req.end();
  });
}
