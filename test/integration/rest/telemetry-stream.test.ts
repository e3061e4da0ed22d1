import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { TelemetryMessage } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStreamParser, type StreamEvent } from '../../../edge-runtime/src/cli/event-stream-parser';
import { connectDevice, deviceToken } from '../../helpers/mqtt-device';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

interface Stream {
  res: IncomingMessage;
  events: StreamEvent[];
  /** Resolves once `n` events have arrived. */
  waitFor(n: number): Promise<StreamEvent[]>;
  close(): void;
}

function openStream(
  query: string,
  headers: Record<string, string> = {},
  policy = 'service',
): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${hub.runtime.urls.https}/api/v1/telemetry/stream${query}`,
      { ca: hub.ca, agent: false, headers: { authorization: hub.token(policy), ...headers } },
      (res) => {
        const events: StreamEvent[] = [];
        const waiters: { n: number; resolve: (e: StreamEvent[]) => void }[] = [];
        const feed = createEventStreamParser((event) => {
          events.push(event);
          for (const w of waiters.filter((x) => events.length >= x.n)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(events);
          }
        });
        res.setEncoding('utf8');
        res.on('data', (text: string) => feed(text));
        res.on('error', () => undefined);
        resolve({
          res,
          events,
          waitFor: (n) =>
            new Promise((done) => (events.length >= n ? done(events) : waiters.push({ n, resolve: done }))),
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
  });
}

function message(deviceId: string, body: string | Buffer, n = 0): TelemetryMessage {
  return {
    deviceId,
    enqueuedTime: new Date().toISOString(),
    systemProperties: { '$.mid': `m-${n}` },
    properties: { n: String(n) },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  };
}

const data = (e: StreamEvent) => JSON.parse(e.data) as Record<string, unknown>;

describe('telemetry stream (SSE)', () => {
  it('streams new messages live as text/event-stream with id = seq', async () => {
    const stream = await openStream('');
    try {
      expect(stream.res.statusCode).toBe(200);
      expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/);
      const seq = await hub.runtime.telemetry.appendWithSeq(message('sse-a', '{"t":21}', 1));
      const [event] = await stream.waitFor(1);
      expect(event?.id).toBe(String(seq));
      expect(data(event!)).toMatchObject({
        seq,
        deviceId: 'sse-a',
        body: '{"t":21}',
        bodyEncoding: 'utf8',
        systemProperties: { '$.mid': 'm-1' },
        properties: { n: '1' },
      });
      expect(typeof data(event!).enqueuedTime).toBe('string');
    } finally {
      stream.close();
    }
  });

  it('sends bodies that are not UTF-8 as base64', async () => {
    const stream = await openStream('');
    try {
      await hub.runtime.telemetry.append(message('sse-bin', Buffer.from([0xff, 0xfe, 0x00])));
      const [event] = await stream.waitFor(1);
      expect(data(event!)).toMatchObject({ body: '//4A', bodyEncoding: 'base64' });
    } finally {
      stream.close();
    }
  });

  it('replays from a seq, filters by device, and resumes after Last-Event-ID', async () => {
    const first = await hub.runtime.telemetry.appendWithSeq(message('sse-r', 'r1', 1));
    await hub.runtime.telemetry.append(message('sse-other', 'o1'));
    await hub.runtime.telemetry.append(message('sse-r', 'r2', 2));
    const stream = await openStream(`?deviceId=sse-r&from=${first}`);
    let lastId: string | undefined;
    try {
      await stream.waitFor(2);
      await hub.runtime.telemetry.append(message('sse-r', 'r3', 3));
      const events = await stream.waitFor(3);
      expect(events.map((e) => data(e).body)).toEqual(['r1', 'r2', 'r3']);
      lastId = events[1]?.id;
    } finally {
      stream.close();
    }
    // An EventSource reconnecting reuses the URL and adds Last-Event-ID, which wins over `from`.
    const resumed = await openStream(`?deviceId=sse-r&from=${first}`, { 'last-event-id': lastId! });
    try {
      const events = await resumed.waitFor(1);
      expect(events.map((e) => data(e).body)).toEqual(['r3']);
    } finally {
      resumed.close();
    }
  });

  it('carries telemetry a device publishes over MQTT (the gateway appends to the outbox)', async () => {
    const created = await hub.call('PUT', '/devices/sse-mqtt', { body: {} });
    const key = (created.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
      .symmetricKey.primaryKey;
    const stream = await openStream('?deviceId=sse-mqtt');
    const device = await connectDevice({
      url: hub.runtime.urls.mqtts,
      ca: hub.ca,
      deviceId: 'sse-mqtt',
      token: deviceToken({ host: 'localhost', deviceId: 'sse-mqtt', key }),
    });
    try {
      // The PUBACK (publishAsync resolving) comes only once the message is in the outbox.
      await device.client.publishAsync(
        'devices/sse-mqtt/messages/events/%24.mid=x-1&alert=high',
        'from mqtt',
        { qos: 1 },
      );
      const last = hub.runtime.telemetry.stats().lastSeq;
      expect((await hub.runtime.telemetry.read(last, 1))[0]?.deviceId).toBe('sse-mqtt');
      const [event] = await stream.waitFor(1);
      expect(data(event!)).toMatchObject({
        deviceId: 'sse-mqtt',
        body: 'from mqtt',
        systemProperties: { '$.mid': 'x-1' },
        properties: { alert: 'high' },
      });
    } finally {
      await device.close();
      stream.close();
    }
  });

  it('needs a policy with ServiceConnect, and a numeric from', async () => {
    const refused = await hub.call('GET', '/api/v1/telemetry/stream?x=1', { policy: 'registryRead' });
    expect(refused.status).toBe(401);
    const bad = await hub.call('GET', '/api/v1/telemetry/stream?from=abc');
    expect(bad.status).toBe(400);
  });

  it('ends open streams when the runtime closes', async () => {
    const other = await startTestHub();
    const stream = await new Promise<IncomingMessage>((resolve, reject) => {
      https
        .get(
          `${other.runtime.urls.https}/api/v1/telemetry/stream?from=0`,
          { ca: other.ca, agent: false, headers: { authorization: other.token() } },
          resolve,
        )
        .on('error', reject);
    });
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.resume();
    });
    await other.close();
    await ended;
  });
});
