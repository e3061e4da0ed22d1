import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDevice } from '../../helpers/mqtt-device';
import { type MqttTestHub, startMqttTestHub } from './mqtt-hub';

let hub: MqttTestHub;
beforeAll(async () => {
  hub = await startMqttTestHub();
});
afterAll(() => hub.close());

const DESIRED_TOPIC = '$iothub/twin/PATCH/properties/desired/';

async function patchDesired(id: string, desired: Record<string, unknown>) {
  const res = await hub.call('PATCH', `/twins/${id}`, { properties: { desired } }, { 'if-match': '*' });
  expect(res.status).toBe(200);
  return (res.json as { properties: { desired: { $version: number } } }).properties.desired.$version;
}

async function withDevice(id: string, fn: (device: TestDevice, key: string) => Promise<void>) {
  const key = await hub.createDevice(id);
  const device = await hub.connect(id, key);
  try {
    await device.subscribe('$iothub/twin/res/#');
    await fn(device, key);
  } finally {
    await device.close();
  }
}

describe('twin GET over MQTT', () => {
  it('answers 200 with desired and reported plus $version, without metadata, tags or identity', async () => {
    await withDevice('t-get', async (device) => {
      await hub.call('PATCH', '/twins/t-get', {
        tags: { site: 'a' },
        properties: { desired: { fan: { speed: 3 } } },
      });
      expect((await device.patchReported({ fw: '1.0' })).status).toBe(204);
      const twin = await device.getTwin();
      expect(twin.status).toBe(200);
      expect(twin.topic).toMatch(/^\$iothub\/twin\/res\/200\/\?\$rid=[0-9a-f-]+$/);
      expect(twin.body).toEqual({
        desired: { fan: { speed: 3 }, $version: 2 },
        reported: { fw: '1.0', $version: 2 },
      });
    });
  });
});

describe('reported PATCH over MQTT', () => {
  it('merges, answers 204 with the new $version and an empty body, and the service sees it', async () => {
    await withDevice('t-rep', async (device) => {
      const first = await device.patchReported({ temp: 20, nested: { a: 1, b: 2 } });
      expect(first).toEqual({ status: 204, version: 2, body: '' });
      const second = await device.patchReported({ nested: { b: null }, extra: true });
      expect(second).toEqual({ status: 204, version: 3, body: '' });
      const twin = (await hub.call('GET', '/twins/t-rep')).json as {
        properties: { reported: Record<string, unknown> };
      };
      expect(twin.properties.reported).toMatchObject({
        temp: 20,
        nested: { a: 1 },
        extra: true,
        $version: 3,
      });
      expect(twin.properties.reported.nested).toEqual({ a: 1 });
    });
  });

  it.each([
    ['malformed JSON', '{"temp": '],
    ['a JSON array', '[1, 2]'],
    ['a patch nested deeper than 10 levels', JSON.stringify(deep(12))],
    [
      'a patch over the 32 KB reported limit',
      JSON.stringify({ big: Object.fromEntries(range(20).map((i) => [`k${i}`, 'x'.repeat(3000)])) }),
    ],
    ['a body over 128 KB', JSON.stringify({ huge: 'y'.repeat(140 * 1024) })],
    ['a key with a dot', JSON.stringify({ 'a.b': 1 })],
  ])('answers %s with a 400 JSON error body and keeps the device connected', async (_name, body) => {
    await withDevice(`t-bad-${Math.random().toString(36).slice(2, 8)}`, async (device) => {
      const answer = await device.patchReported(body);
      expect(answer.status).toBe(400);
      const error = JSON.parse(answer.body) as { errorCode: number; message: string };
      expect(error.errorCode).toBe(400004);
      expect(typeof error.message).toBe('string');
      // Still connected and served.
      expect(device.client.connected).toBe(true);
      expect((await device.patchReported({ ok: 1 })).status).toBe(204);
    });
  });
});

describe('desired notifications', () => {
  it('pushes a service PATCH to the subscribed device with $version in topic and body', async () => {
    await withDevice('t-des', async (device) => {
      await device.getTwin();
      await device.subscribe('$iothub/twin/PATCH/properties/desired/#');
      const version = await patchDesired('t-des', { interval: 30, mode: { a: 1 } });
      const msg = await device.next(DESIRED_TOPIC);
      expect(msg.topic).toBe(`${DESIRED_TOPIC}?$version=${version}`);
      expect(JSON.parse(msg.payload.toString())).toEqual({ interval: 30, mode: { a: 1 }, $version: version });
    });
  });

  it('sends a replace (PUT) as the full new desired with null for removed keys', async () => {
    await withDevice('t-put', async (device) => {
      await patchDesired('t-put', { keep: 1, drop: 2, obj: { x: 1, y: 2 } });
      await device.getTwin();
      await device.subscribe('$iothub/twin/PATCH/properties/desired/#');
      const put = await hub.call(
        'PUT',
        '/twins/t-put',
        { properties: { desired: { keep: 1, obj: { x: 1 }, add: 'n' } } },
        { 'if-match': '*' },
      );
      expect(put.status).toBe(200);
      const msg = await device.next(DESIRED_TOPIC);
      expect(JSON.parse(msg.payload.toString())).toEqual({
        keep: 1,
        obj: { x: 1, y: null },
        add: 'n',
        drop: null,
        $version: 3,
      });
    });
  });

  it('does not push desired patches to a device that never subscribed them', async () => {
    await withDevice('t-nosub', async (device) => {
      await device.getTwin();
      await patchDesired('t-nosub', { v: 1 });
      // A later GET is answered; no desired notification came before it.
      await device.getTwin();
      expect(device.received.filter((m) => m.topic.startsWith(DESIRED_TOPIC))).toEqual([]);
    });
  });

  it('sends a catch-up patch when the desired SUBSCRIBE comes after changes made since the GET (§2.6)', async () => {
    await withDevice('t-gap', async (device) => {
      await patchDesired('t-gap', { a: 1, b: 2 });
      await device.getTwin();
      const version = await patchDesired('t-gap', { b: null, c: 3 });
      await device.subscribe('$iothub/twin/PATCH/properties/desired/#');
      const msg = await device.next(DESIRED_TOPIC);
      expect(JSON.parse(msg.payload.toString())).toEqual({ b: null, c: 3, $version: version });
    });
  });

  it('sends one catch-up patch (difference, nulls, $version) when a device reconnects after missing changes', async () => {
    const key = await hub.createDevice('t-catch');
    await patchDesired('t-catch', { a: 1, b: { c: 1, d: 2 }, gone: true });
    const first = await hub.connect('t-catch', key);
    await first.subscribe('$iothub/twin/res/#');
    expect((await first.getTwin()).status).toBe(200);
    await first.subscribe('$iothub/twin/PATCH/properties/desired/#');
    await hub.disconnect(first, 't-catch');

    await patchDesired('t-catch', { a: 2, b: { d: null } });
    const version = await patchDesired('t-catch', { gone: null, fresh: 'yes' });

    // Reconnect as the SDK does after a SAS renewal: clean=0, no SUBSCRIBE at all.
    const second = await hub.connect('t-catch', key);
    try {
      const msg = await second.next(DESIRED_TOPIC);
      expect(msg.topic).toBe(`${DESIRED_TOPIC}?$version=${version}`);
      expect(JSON.parse(msg.payload.toString())).toEqual({
        a: 2,
        b: { d: null },
        gone: null,
        fresh: 'yes',
        $version: version,
      });
      // Later changes flow as ordinary patches.
      const next = await patchDesired('t-catch', { a: 3 });
      const later = await second.next(DESIRED_TOPIC);
      expect(JSON.parse(later.payload.toString())).toEqual({ a: 3, $version: next });
      expect(second.received.filter((m) => m.topic.startsWith(DESIRED_TOPIC))).toHaveLength(2);
    } finally {
      await second.close();
    }
  });
});

describe('subscription intent', () => {
  it('survives a runtime restart: desired patches still arrive without a new SUBSCRIBE', async () => {
    const key = await hub.createDevice('t-restart');
    const before = await hub.connect('t-restart', key);
    await before.subscribe('$iothub/twin/res/#');
    await before.getTwin();
    await before.subscribe('$iothub/twin/PATCH/properties/desired/#');
    await before.close();

    await hub.restart();

    const after = await hub.connect('t-restart', key);
    try {
      const version = await patchDesired('t-restart', { after: 'restart' });
      const msg = await after.next(DESIRED_TOPIC);
      expect(JSON.parse(msg.payload.toString())).toEqual({ after: 'restart', $version: version });
    } finally {
      await after.close();
    }
  });
});

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < levels; i++) value = { [`l${i}`]: value };
  return value;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
