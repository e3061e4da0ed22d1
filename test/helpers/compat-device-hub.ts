/**
 * The hub side of the device-SDK compat tests: a loopback address with 443 and 8883 free (MqttWs
 * dials 443 and X.509 devices dial HostName on mqtt.js's default 8883, device-protocol.md §1.1/§1.2),
 * the service API as iothubowner, device registration, and the telemetry SSE stream.
 */
import https from 'node:https';
import net from 'node:net';
import { createSasToken } from '@outpost/core';
import { type IssuedCertificate, selfSignedCertificate } from '@outpost/edge-runtime';
import { httpsRequest, type TestResponse } from './https-client';
import { OWNER_KEY } from './test-hub';

/** The cloud hub name SAS devices keep in HostName while GatewayHostName points at Outpost (§3). */
export const CLOUD_HOST = 'outpost-compat.azure-devices.net';
/** The ports an unmodified device dials: WSS (hard-coded) and MQTTS (mqtt.js default). */
export const DEVICE_PORTS = { https: 443, mqtts: 8883 } as const;

function canListen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(false);
      else reject(err);
    });
    probe.listen(port, address, () => probe.close(() => resolve(true)));
  });
}

/** A random `127.0.0.<10–250>` on which every port of `ports` can be bound now (we run as root). */
export async function freeLoopback(
  ports: number[] = [DEVICE_PORTS.https, DEVICE_PORTS.mqtts],
): Promise<string> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const address = `127.0.0.${10 + Math.floor(Math.random() * 241)}`;
    let free = true;
    for (const port of ports) free &&= await canListen(address, port);
    if (free) return address;
  }
  throw new Error(`no loopback address with ports ${ports.join(', ')} free`);
}

/** The service API of a hub, called as iothubowner (a SAS token for `localhost`, always accepted). */
export interface HubApi {
  httpsUrl: string;
  ca: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
}

/** Builds the API caller; `httpsUrl` may change (a restarted hub process), so it is a getter. */
export function hubApi(httpsUrl: string | (() => string), ca: string): HubApi {
  const base = typeof httpsUrl === 'string' ? () => httpsUrl : httpsUrl;
  return {
    get httpsUrl() {
      return base();
    },
    ca,
    call(method, path, body, headers = {}) {
      const token = createSasToken({
        resourceUri: 'localhost',
        key: OWNER_KEY,
        policyName: 'iothubowner',
        expiresAt: Math.ceil(Date.now() / 1000) + 3600,
      });
      return httpsRequest({
        method,
        url: `${base()}${path}${path.includes('?') ? '&' : '?'}api-version=2021-04-12`,
        ca,
        headers: { authorization: token, ...headers },
        ...(body !== undefined ? { body } : {}),
      });
    },
  };
}

function ensure(res: TestResponse, what: string, status = 200): TestResponse {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  return res;
}

/** Registers a SAS device and returns its primary key. */
export async function createSasDevice(api: HubApi, deviceId: string): Promise<string> {
  const res = ensure(await api.call('PUT', `/devices/${deviceId}`, { deviceId }), `create ${deviceId}`);
  return (res.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
    .symmetricKey.primaryKey;
}

/** Registers a self-signed (thumbprint) X.509 device and returns its certificate and key. */
export async function createThumbprintDevice(api: HubApi, deviceId: string): Promise<IssuedCertificate> {
  const cert = selfSignedCertificate({ commonName: deviceId });
  ensure(
    await api.call('PUT', `/devices/${deviceId}`, {
      deviceId,
      authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: cert.thumbprintSha1 } },
    }),
    `create ${deviceId}`,
  );
  return cert;
}

/** One event of `GET /api/v1/telemetry/stream` (edge-runtime telemetry-stream.ts). */
export interface StreamedTelemetry {
  seq: number;
  deviceId: string;
  systemProperties: Record<string, string>;
  properties: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

/**
 * Reads the telemetry SSE stream (`query` e.g. `deviceId=d&from=1`) until `done(events)` holds or
 * `timeoutMs` passed; resolves with every event read either way, so a test can say what is missing.
 */
export function readTelemetryStream(
  api: HubApi,
  query: string,
  done: (events: StreamedTelemetry[]) => boolean,
  timeoutMs = 15_000,
): Promise<StreamedTelemetry[]> {
  const token = createSasToken({
    resourceUri: 'localhost',
    key: OWNER_KEY,
    policyName: 'iothubowner',
    expiresAt: Math.ceil(Date.now() / 1000) + 3600,
  });
  const events: StreamedTelemetry[] = [];
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${api.httpsUrl}/api/v1/telemetry/stream?${query}`,
      { ca: api.ca, agent: false, headers: { authorization: token } },
      (res) => {
        if (res.statusCode !== 200) {
          finish(new Error(`telemetry stream: HTTP ${res.statusCode}`));
          return;
        }
        let pending = '';
        res.on('data', (chunk: Buffer) => {
          const blocks = (pending + chunk.toString('utf8')).split('\n\n');
          pending = blocks.pop() ?? '';
          for (const block of blocks) {
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (data) events.push(JSON.parse(data) as StreamedTelemetry);
          }
          if (done(events)) finish();
        });
        res.on('end', () => finish());
      },
    );
    const timer = setTimeout(() => finish(), timeoutMs);
    let settled = false;
    function finish(err?: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (err) reject(err);
      else resolve(events);
    }
    req.on('error', (err) => finish(err));
  });
}
