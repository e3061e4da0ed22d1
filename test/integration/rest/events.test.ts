import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStreamParser, type StreamEvent } from '../../../edge-runtime/src/cli/event-stream-parser';
import { connectDevice, deviceToken } from '../../helpers/mqtt-device';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
let admin: string;
let viewer: string;
beforeAll(async () => {
  hub = await startTestHub();
  admin = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
  await operatorCall(hub, {
    method: 'POST',
    path: '/api/v1/users',
    token: admin,
    body: { name: 'watcher', role: 'viewer', password: 'watcher-password' },
  });
  viewer = await loginAs(hub, 'watcher', 'watcher-password');
});
afterAll(() => hub.close());

interface Stream {
  res: IncomingMessage;
  events: StreamEvent[];
  /** Resolves once an event passes `test`. */
  waitFor(test: (e: StreamEvent) => boolean): Promise<StreamEvent>;
  ended: Promise<void>;
  close(): void;
}

function openStream(target: TestHub, query: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${target.runtime.urls.https}/api/v1/events${query}`,
      { ca: target.ca, agent: false, headers },
      (res) => {
        const events: StreamEvent[] = [];
        const waiters: { test: (e: StreamEvent) => boolean; resolve: (e: StreamEvent) => void }[] = [];
        const feed = createEventStreamParser((event) => {
          events.push(event);
          for (const w of waiters.filter((x) => x.test(event))) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(event);
          }
        });
        res.setEncoding('utf8');
        res.on('data', (text: string) => feed(text));
        res.on('error', () => undefined);
        const ended = new Promise<void>((done) => res.on('close', () => done()));
        resolve({
          res,
          events,
          ended,
          waitFor: (test) =>
            new Promise((done) => {
              const seen = events.find(test);
              if (seen) done(seen);
              else waiters.push({ test, resolve: done });
            }),
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const seqOf = (e: StreamEvent) => Number(e.id);

describe('GET /api/v1/events', () => {
  it('replays from afterSeq with id = seq and event = kind, then delivers live changes', async () => {
    await hub.call('PUT', '/devices/ev-1', { body: {} });
    const before = hub.runtime.hub.feed.lastSeq();
    await hub.call('PATCH', '/twins/ev-1', { body: { tags: { a: 1 } } });
    const stream = await openStream(hub, `?afterSeq=${before}`, bearer(admin));
    try {
      expect(stream.res.statusCode).toBe(200);
      expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/);
      const replayed = await stream.waitFor((e) => e.event === 'twinTagsChanged');
      expect(seqOf(replayed)).toBe(before + 1);
      expect(JSON.parse(replayed.data)).toMatchObject({
        seq: before + 1,
        kind: 'twinTagsChanged',
        deviceId: 'ev-1',
        actor: { type: 'policy', id: 'iothubowner' },
        patch: { tags: { a: 1 } },
      });
      await operatorCall(hub, { method: 'PUT', path: '/devices/ev-2', token: admin, body: {} });
      const live = await stream.waitFor((e) => e.event === 'deviceCreated');
      expect(JSON.parse(live.data)).toMatchObject({ id: 'ev-2', actor: { type: 'user', id: 'admin' } });
      expect(live.data).not.toMatch(/primaryKey|secondaryKey/);
    } finally {
      stream.close();
    }
  });

  it('resumes after Last-Event-ID, which wins over afterSeq', async () => {
    await hub.call('PUT', '/devices/ev-3', { body: {} });
    const last = hub.runtime.hub.feed.lastSeq();
    await hub.call('PUT', '/devices/ev-4', { body: {} });
    const stream = await openStream(hub, '?afterSeq=0', { ...bearer(admin), 'last-event-id': String(last) });
    try {
      const first = await stream.waitFor(() => true);
      expect([seqOf(first), first.event, JSON.parse(first.data).id]).toEqual([
        last + 1,
        'deviceCreated',
        'ev-4',
      ]);
    } finally {
      stream.close();
    }
  });

  it('shows user changes to admins only', async () => {
    await operatorCall(hub, {
      method: 'POST',
      path: '/api/v1/users',
      token: admin,
      body: { name: 'newcomer', role: 'viewer', password: 'newcomer-password' },
    });
    await hub.call('PUT', '/devices/ev-marker', { body: {} });
    const isMarker = (e: StreamEvent) => e.event === 'deviceCreated' && JSON.parse(e.data).id === 'ev-marker';
    const asViewer = await openStream(hub, '?afterSeq=0', bearer(viewer));
    const asAdmin = await openStream(hub, '?afterSeq=0', bearer(admin));
    try {
      await asViewer.waitFor(isMarker);
      await asAdmin.waitFor(isMarker);
      expect(asViewer.events.some((e) => e.event.startsWith('user'))).toBe(false);
      const created = asAdmin.events
        .filter((e) => e.event === 'userCreated')
        .map((e) => JSON.parse(e.data).id);
      expect(created).toEqual(['watcher', 'newcomer']);
      expect(asAdmin.events.map((e) => e.data).join('\n')).not.toMatch(/scrypt|password"|newcomer-password/);
    } finally {
      asViewer.close();
      asAdmin.close();
    }
  });

  it('takes ?access_token= here (EventSource cannot set headers) but on no other route', async () => {
    const stream = await openStream(hub, `?access_token=${encodeURIComponent(viewer)}`);
    expect(stream.res.statusCode).toBe(200);
    stream.close();
    const other = await operatorCall(hub, { method: 'GET', path: `/api/v1/audit?access_token=${viewer}` });
    expect(other.status).toBe(401);
    const none = await openStream(hub, '');
    expect(none.res.statusCode).toBe(401);
    none.close();
  });

  it('sends deviceConnected and deviceDisconnected live, without an id', async () => {
    const created = await hub.call('PUT', '/devices/ev-mqtt', { body: {} });
    const key = (created.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
      .symmetricKey.primaryKey;
    const stream = await openStream(hub, '', bearer(viewer));
    try {
      const device = await connectDevice({
        url: hub.runtime.urls.mqtts,
        ca: hub.ca,
        deviceId: 'ev-mqtt',
        token: deviceToken({ host: 'localhost', deviceId: 'ev-mqtt', key }),
      });
      const connected = await stream.waitFor((e) => e.event === 'deviceConnected');
      expect(JSON.parse(connected.data)).toMatchObject({ deviceId: 'ev-mqtt' });
      await device.close();
      await stream.waitFor((e) => e.event === 'deviceDisconnected');
    } finally {
      stream.close();
    }
  });

  it('ends the stream after logout, at the next event', async () => {
    const token = await loginAs(hub, 'watcher', 'watcher-password');
    const stream = await openStream(hub, '', bearer(token));
    await operatorCall(hub, { method: 'POST', path: '/api/v1/logout', token });
    await hub.call('PUT', '/devices/ev-after-logout', { body: {} });
    await stream.ended;
    expect(stream.events.some((e) => e.data.includes('ev-after-logout'))).toBe(false);
  });

  it('ends open streams when the runtime closes', async () => {
    const other = await startTestHub();
    const token = await loginAs(other, 'admin', TEST_ADMIN_PASSWORD);
    const stream = await openStream(other, '?afterSeq=0', bearer(token));
    await other.close();
    await stream.ended;
  });
});
