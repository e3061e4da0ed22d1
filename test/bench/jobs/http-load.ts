/** HTTPS load: keep-alive connections issuing twin GET/PATCH at fixed concurrency, against the hub or a bare `https` server. */
import { spawn } from 'node:child_process';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { createSasToken } from '@outpost/core';
import { OWNER_KEY } from '../../helpers/test-hub';
import { round, runPool, type Summary, summarize } from '../stats';

/** One HTTPS response: status, body text and the round-trip ms. */
export interface RestResponse {
  status: number;
  text: string;
  ms: number;
}

/** A keep-alive HTTPS client for one base URL, with one SAS token reused for every request. */
export interface RestClient {
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<RestResponse>;
  close(): void;
}

/** An iothubowner SAS token for the bench hub, valid for an hour. */
export function ownerToken(): string {
  return createSasToken({
    resourceUri: 'localhost',
    key: OWNER_KEY,
    policyName: 'iothubowner',
    expiresAt: Math.ceil(Date.now() / 1000) + 3600,
  });
}

/** Creates a client for `baseUrl` holding at most `maxSockets` keep-alive connections. */
export function createRestClient(baseUrl: string, ca: string, maxSockets: number): RestClient {
  const agent = new https.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, ca });
  const authorization = ownerToken();
  return {
    request(method, path, body, headers = {}) {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const started = performance.now();
      return new Promise<RestResponse>((resolve, reject) => {
        const req = https.request(
          `${baseUrl}${path}`,
          {
            method,
            agent,
            headers: {
              authorization,
              ...(payload
                ? {
                    'content-type': 'application/json; charset=utf-8',
                    'content-length': String(payload.length),
                  }
                : {}),
              ...headers,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
                ms: performance.now() - started,
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

/** The path of twin `deviceId` with the API version the SDK sends. */
export function twinPath(deviceId: string): string {
  return `/twins/${encodeURIComponent(deviceId)}?api-version=2021-04-12`;
}

/** The desired patch of the n-th PATCH request (~60 bytes of JSON). */
export function httpPatchBody(n: number): Record<string, unknown> {
  return { properties: { desired: { httpBench: { seq: n, mode: 'eco' } } } };
}

/** How one load phase ran. */
export interface LoadRun {
  kind: 'GET' | 'PATCH';
  requests: number;
  concurrency: number;
  ok: number;
  errors: number;
  firstError?: string;
  requestsPerSec: number;
  latencyMs: Summary;
  responseBytes: number;
  wallMs: number;
  /** CPU time of the server process per request, µs (when its CPU was read). */
  serverCpuUsPerRequest?: number;
}

/** Issues `requests` GETs or PATCHes of twins of `deviceIds` (round robin), `concurrency` in flight. */
export async function runLoad(
  client: RestClient,
  kind: 'GET' | 'PATCH',
  deviceIds: readonly string[],
  options: { requests: number; concurrency: number; serverCpuMs?: () => Promise<number> },
): Promise<LoadRun> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let responseBytes = 0;
  const cpuBefore = await options.serverCpuMs?.();
  const started = performance.now();
  await runPool(options.requests, options.concurrency, async (n) => {
    const id = deviceIds[n % deviceIds.length]!;
    try {
      const res =
        kind === 'GET'
          ? await client.request('GET', twinPath(id))
          : await client.request('PATCH', twinPath(id), httpPatchBody(n), { 'if-match': '*' });
      if (res.status !== 200) throw new Error(`HTTP ${res.status} ${res.text.slice(0, 160)}`);
      responseBytes = Buffer.byteLength(res.text);
      latencies.push(res.ms);
    } catch (err) {
      errors++;
      firstError ??= String(err);
    }
  });
  const wallMs = performance.now() - started;
  const cpuAfter = await options.serverCpuMs?.();
  return {
    kind,
    requests: options.requests,
    concurrency: options.concurrency,
    ok: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    requestsPerSec: round(latencies.length / (wallMs / 1000), 0),
    latencyMs: summarize(latencies, 2),
    responseBytes,
    wallMs: Math.round(wallMs),
    ...(cpuBefore !== undefined && cpuAfter !== undefined
      ? { serverCpuUsPerRequest: round(((cpuAfter - cpuBefore) * 1000) / options.requests, 1) }
      : {}),
  };
}

/** A bare `https` server in its own process, answering static JSON of the twin's sizes. */
export interface BareHttps {
  url: string;
  pid: number;
  /** CPU ms (user + system) the server process has used so far. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

const HTTPS_CHILD = fileURLToPath(new URL('./https-child.ts', import.meta.url));

/** Starts `https-child.ts` under tsx with the hub's server certificate from `tlsDir`. */
export async function spawnBareHttps(
  tlsDir: string,
  getBytes: number,
  patchBytes: number,
): Promise<BareHttps> {
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), HTTPS_CHILD, tlsDir, String(getBytes), String(patchBytes)],
    { stdio: ['ignore', 2, 2, 'ipc'] },
  );
  const pending = new Map<number, (v: unknown) => void>();
  let nextId = 1;
  const ready = await new Promise<{ pid: number; port: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`https child exited with ${code}`)));
    child.on('message', (msg: { ready?: true; pid: number; port: number; id: number; result: unknown }) => {
      if (msg.ready) resolve(msg);
      else pending.get(msg.id)?.(msg.result);
    });
  });
  const call = (cmd: 'cpu' | 'close') =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ id, cmd });
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `https://127.0.0.1:${ready.port}`,
    pid: ready.pid,
    cpuMs: () => call('cpu') as Promise<number>,
    async close() {
      if (child.exitCode !== null) return;
      await Promise.race([call('close'), exited]);
      await exited;
    },
  };
}
