import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { createSasToken, silentLogger } from '@outpost/core';
import { createHttpApp, methodFastLane } from '@outpost/edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ridOf, type TestDevice } from '../../helpers/mqtt-device';
import { loginAs, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { type MqttTestHub, startMqttTestHub } from '../mqtt/mqtt-hub';

/**
 * The direct-method fast lane (edge-runtime/src/http/method-fast-lane.ts) answers the canonical
 * SAS-signed `POST /twins/{id}/methods` without express. These tests hold it to two promises: it
 * takes only what it can answer exactly as the express route does, and its answers are the route's.
 */

let hub: MqttTestHub;
let device: TestDevice;
/** The express app alone (no lane), over plain HTTP, on the same hub. */
let expressOnly: http.Server;
/** The lane alone: a request it does not take is answered 599. */
let laneOnly: http.Server;

interface Sent {
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the body in two chunks without content-length. */
  chunked?: boolean;
  method?: string;
}

interface Answer {
  status: number;
  /** Every response header but the ones that differ per connection or moment. */
  headers: Record<string, unknown>;
  body: unknown;
}

const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive']);

function send(server: { url: string; ca?: string }, req: Sent): Promise<Answer> {
  const headers: Record<string, string> = { ...req.headers };
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  if (body && !req.chunked) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const options = {
      method: req.method ?? 'POST',
      headers,
      agent: false as const,
      ...(server.ca ? { ca: server.ca } : {}),
    };
    const r = (server.url.startsWith('https') ? https : http).request(
      `${server.url}${req.path}`,
      options,
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          // The tracking id and time differ per answer; the rest must match.
          if (parsed && typeof parsed === 'object' && 'ExceptionMessage' in parsed) {
            (parsed as Record<string, unknown>).ExceptionMessage = 'tracking';
          }
          const headers = Object.fromEntries(
            Object.entries(res.headers).filter(([k]) => !PER_CONNECTION.has(k)),
          );
          resolve({ status: res.statusCode ?? 0, headers, body: parsed });
        });
      },
    );
    r.on('error', reject);
    if (body && req.chunked) {
      r.write(body.subarray(0, 5));
      r.write(body.subarray(5));
    } else if (body) r.write(body);
    r.end();
  });
}

const urlOf = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const listen = (server: http.Server) =>
  new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const close = (server: http.Server) => new Promise((resolve) => server.close(resolve));

beforeAll(async () => {
  hub = await startMqttTestHub();
  const key = await hub.createDevice('lane-online');
  for (const id of ['lane-offline', 'lane:colon']) await hub.createDevice(id);
  device = await hub.connect('lane-online', key);
  await device.subscribe('$iothub/methods/POST/#');
  device.client.on('message', (topic, payload) => {
    if (!topic.startsWith('$iothub/methods/POST/')) return;
    device.client.publish(`$iothub/methods/res/200/?$rid=${ridOf(topic)}`, payload.length ? payload : '');
  });
  const options = {
    hub: hub.runtime.hub,
    hostNames: ['localhost', '127.0.0.1'],
    skewSeconds: 300,
    logger: silentLogger,
  };
  expressOnly = http.createServer(createHttpApp({ ...options, uiDir: false }));
  const lane = methodFastLane({ auth: options, logger: silentLogger });
  laneOnly = http.createServer((req, res) => {
    if (!lane(req, res)) res.writeHead(599).end();
  });
  await Promise.all([listen(expressOnly), listen(laneOnly)]);
});
afterAll(async () => {
  await device?.close();
  await Promise.all([close(expressOnly), close(laneOnly)]);
  await hub.close();
});

const V = '?api-version=2021-04-12';

/** A SAS token of one of the hub's policies. */
function token(policy = 'iothubowner'): string {
  const p = hub.runtime.hub.policies.get(policy);
  if (!p) throw new Error(`no policy ${policy}`);
  return createSasToken({
    resourceUri: 'localhost',
    key: p.primaryKey,
    policyName: p.name,
    expiresAt: Math.ceil(Date.now() / 1000) + 3600,
  });
}

const login = () => loginAs({ runtime: hub.runtime, ca: hub.ca }, 'admin', TEST_ADMIN_PASSWORD);
const call = (methodName: string, payload: unknown = { n: 1 }) =>
  JSON.stringify({ methodName, payload, responseTimeoutInSeconds: 5 });
const json = { 'content-type': 'application/json; charset=utf-8' };

/** Requests the lane takes (answered by it) and requests it leaves to express, with why. */
function cases(
  sas: string,
  registryRead: string,
  bearer: string,
): { name: string; req: Sent; taken: boolean }[] {
  const auth = { ...json, authorization: sas };
  return [
    {
      name: 'online device',
      req: { path: `/twins/lane-online/methods${V}`, headers: auth, body: call('echo') },
      taken: true,
    },
    {
      name: 'offline device',
      req: { path: `/twins/lane-offline/methods${V}`, headers: auth, body: call('x') },
      taken: true,
    },
    {
      name: 'unknown device',
      req: { path: `/twins/nobody/methods${V}`, headers: auth, body: call('x') },
      taken: true,
    },
    {
      name: 'escaped id',
      req: { path: `/twins/lane%3Acolon/methods${V}`, headers: auth, body: call('x') },
      taken: true,
    },
    {
      name: 'module form',
      req: { path: `/twins/lane-online/modules/m1/methods${V}`, headers: auth, body: call('x') },
      taken: true,
    },
    {
      name: 'bad JSON',
      req: { path: `/twins/lane-online/methods${V}`, headers: auth, body: '{"methodName":' },
      taken: true,
    },
    {
      name: 'not an object',
      req: { path: `/twins/lane-online/methods${V}`, headers: auth, body: '[1,2]' },
      taken: true,
    },
    {
      name: 'bad method name',
      req: { path: `/twins/lane-online/methods${V}`, headers: auth, body: call('a/b') },
      taken: true,
    },
    {
      name: 'payload over 128 KB',
      req: { path: `/twins/lane-online/methods${V}`, headers: auth, body: call('big', 'x'.repeat(140_000)) },
      taken: true,
    },
    {
      name: 'timeout out of range',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: auth,
        body: JSON.stringify({ methodName: 'x', responseTimeoutInSeconds: 1 }),
      },
      taken: true,
    },
    {
      name: 'UTF-8 byte order mark',
      req: { path: `/twins/lane-online/methods${V}`, headers: auth, body: `\uFEFF${call('echo')}` },
      taken: true,
    },
    {
      name: 'upper-case charset',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { authorization: sas, 'content-type': 'Application/JSON; charset=UTF-8' },
        body: call('echo'),
      },
      taken: true,
    },
    {
      name: 'charset-less JSON',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { authorization: sas, 'content-type': 'application/json' },
        body: call('echo'),
      },
      taken: true,
    },
    // Left to express: its guards answer these.
    {
      name: 'no api-version',
      req: { path: '/twins/lane-online/methods', headers: auth, body: call('x') },
      taken: false,
    },
    {
      name: 'bad api-version',
      req: { path: '/twins/lane-online/methods?api-version=latest', headers: auth, body: call('x') },
      taken: false,
    },
    {
      name: 'two api-versions',
      req: { path: `/twins/lane-online/methods${V}&api-version=2020-09-30`, headers: auth, body: call('x') },
      taken: false,
    },
    {
      name: 'no authorization',
      req: { path: `/twins/lane-online/methods${V}`, headers: json, body: call('x') },
      taken: false,
    },
    {
      name: 'bad signature',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { ...json, authorization: sas.replace(/sig=[^&]+/, 'sig=AAAA') },
        body: call('x'),
      },
      taken: false,
    },
    {
      name: 'policy without ServiceConnect',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { ...json, authorization: registryRead },
        body: call('x'),
      },
      taken: false,
    },
    {
      name: 'operator bearer token',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { ...json, authorization: `Bearer ${bearer}` },
        body: call('echo'),
      },
      taken: false,
    },
    {
      name: 'text/plain body',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { authorization: sas, 'content-type': 'text/plain' },
        body: call('x'),
      },
      taken: false,
    },
    {
      name: 'loosely written charset',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { authorization: sas, 'content-type': 'application/json; charset = latin1' },
        body: call('x'),
      },
      taken: false,
    },
    {
      name: 'spaced UTF-8 charset',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { authorization: sas, 'content-type': 'application/json; charset = utf-8' },
        body: call('echo'),
      },
      taken: false,
    },
    {
      name: '1,001 query parameters',
      req: {
        path: `/twins/lane-online/methods?${'p=1&'.repeat(1000)}api-version=2021-04-12`,
        headers: auth,
        body: call('x'),
      },
      taken: false,
    },
    {
      name: 'latin-1 charset',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { authorization: sas, 'content-type': 'application/json; charset=iso-8859-1' },
        body: call('x'),
      },
      taken: false,
    },
    { name: 'empty body', req: { path: `/twins/lane-online/methods${V}`, headers: auth }, taken: false },
    {
      name: 'chunked body',
      req: { path: `/twins/lane-online/methods${V}`, headers: auth, body: call('echo'), chunked: true },
      taken: false,
    },
    {
      name: 'gzip body',
      req: {
        path: `/twins/lane-online/methods${V}`,
        headers: { ...auth, 'content-encoding': 'gzip' },
        body: call('x'),
      },
      taken: false,
    },
    {
      name: 'GET',
      req: { method: 'GET', path: `/twins/lane-online/methods${V}`, headers: { authorization: sas } },
      taken: false,
    },
    {
      name: 'trailing slash',
      req: { path: `/twins/lane-online/methods/${V}`, headers: auth, body: call('echo') },
      taken: false,
    },
    {
      name: 'other case',
      req: { path: `/Twins/lane-online/methods${V}`, headers: auth, body: call('echo') },
      taken: false,
    },
  ];
}

describe('direct-method fast lane', () => {
  it('takes the canonical SAS calls and leaves everything else to express', async () => {
    const bearer = await login();
    const taken: Record<string, boolean> = {};
    const expected: Record<string, boolean> = {};
    for (const c of cases(token(), token('registryRead'), bearer)) {
      const answer = await send({ url: urlOf(laneOnly) }, c.req);
      taken[c.name] = answer.status !== 599;
      expected[c.name] = c.taken;
    }
    expect(taken).toEqual(expected);
  });

  it('answers every request exactly as the express route does', async () => {
    const bearer = await login();
    for (const c of cases(token(), token('registryRead'), bearer)) {
      const viaRuntime = await send({ url: hub.runtime.urls.https, ca: hub.ca }, c.req);
      const viaExpress = await send({ url: urlOf(expressOnly) }, c.req);
      expect({ case: c.name, ...viaRuntime }).toEqual({ case: c.name, ...viaExpress });
    }
  });

  it('keeps answering after a client hangs up mid-body', async () => {
    const { port } = new URL(hub.runtime.urls.https);
    const socket = tls.connect({
      host: '127.0.0.1',
      port: Number(port),
      ca: hub.ca,
      servername: 'localhost',
    });
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    socket.write(
      `POST /twins/lane-online/methods${V} HTTP/1.1\r\nhost: localhost\r\nauthorization: ${token()}\r\n` +
        'content-type: application/json\r\ncontent-length: 500\r\n\r\n{"methodName":',
    );
    socket.destroy();
    const answer = await send(
      { url: hub.runtime.urls.https, ca: hub.ca },
      {
        path: `/twins/lane-online/methods${V}`,
        headers: { ...json, authorization: token() },
        body: call('echo', { n: 42 }),
      },
    );
    expect(answer).toMatchObject({ status: 200, body: { status: 200, payload: { n: 42 } } });
  });
});
