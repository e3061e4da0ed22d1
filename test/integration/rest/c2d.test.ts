import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, deviceToken, type Received } from '../../helpers/mqtt-device';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
const keys = new Map<string, string>();

beforeAll(async () => {
  hub = await startTestHub();
  for (const id of ['c2d-1', 'c2d-full', 'c2d-live', 'c2d-later']) {
    const res = await hub.call('PUT', `/devices/${id}`, { body: {} });
    keys.set(
      id,
      (res.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication.symmetricKey
        .primaryKey,
    );
  }
});
afterAll(() => hub.close());

const messages = (id: string) => `/api/v1/devices/${id}/messages`;

/** How the SDK reads the C2D topic (device-protocol.md §2.3). */
function bagOf(msg: Received): Record<string, string> {
  const bag = msg.topic.split('/')[4] ?? '';
  return Object.fromEntries(
    bag
      .split('&')
      .filter(Boolean)
      .map((pair) => pair.split('=').map((s) => decodeURIComponent(s)) as [string, string]),
  );
}

function connect(deviceId: string) {
  return connectDevice({
    url: hub.runtime.urls.mqtts,
    ca: hub.ca,
    deviceId,
    token: deviceToken({ host: 'localhost', deviceId, key: keys.get(deviceId)! }),
  });
}

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('C2D over REST', () => {
  it('queues a message (202 with its id), lists it and counts it in the identity', async () => {
    const res = await hub.call('POST', messages('c2d-1'), {
      body: {
        body: '{"led":"on"}',
        contentType: 'application/json',
        properties: { color: 'blue' },
        messageId: 'm-1',
      },
      policy: 'service',
    });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ deviceId: 'c2d-1', messageId: 'm-1', sequenceNumber: 1 });

    const list = await hub.call('GET', messages('c2d-1'), { policy: 'registryRead' });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject([
      {
        messageId: 'm-1',
        body: '{"led":"on"}',
        bodyEncoding: 'utf8',
        contentType: 'application/json',
        properties: { color: 'blue' },
      },
    ]);
    const identity = await hub.call('GET', '/devices/c2d-1');
    expect((identity.json as { cloudToDeviceMessageCount: number }).cloudToDeviceMessageCount).toBe(1);
    const twin = await hub.call('GET', '/twins/c2d-1');
    expect((twin.json as { cloudToDeviceMessageCount: number }).cloudToDeviceMessageCount).toBe(1);
  });

  it('generates a message id when none is given', async () => {
    const res = await hub.call('POST', messages('c2d-1'), { body: { body: 'AAEC', bodyEncoding: 'base64' } });
    expect(res.status).toBe(202);
    expect((res.json as { messageId: string }).messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers the 51st queued message with 403 DeviceMaximumQueueDepthExceeded', async () => {
    for (let i = 0; i < 50; i++) {
      expect((await hub.call('POST', messages('c2d-full'), { body: { body: `m${i}` } })).status).toBe(202);
    }
    const res = await hub.call('POST', messages('c2d-full'), { body: { body: 'too many' } });
    expect(res.status).toBe(403);
    expect(res.headers['iothub-errorcode']).toBe('DeviceMaximumQueueDepthExceeded');
    expect((res.json as { Message: string }).Message).toMatch(/^ErrorCode:DeviceMaximumQueueDepthExceeded;/);
  });

  it('purges a queue (ServiceConnect) and answers with the count', async () => {
    const res = await hub.call('DELETE', messages('c2d-full'), { policy: 'service' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ deviceId: 'c2d-full', totalMessagesPurged: 50 });
    expect((await hub.call('GET', messages('c2d-full'))).json).toEqual([]);
  });

  it.each([
    ['POST', 'registryRead'],
    ['POST', 'registryReadWrite'],
    ['DELETE', 'registryRead'],
    ['GET', 'service'],
  ])('refuses %s with the %s policy (401)', async (method, policy) => {
    const res = await hub.call(method, messages('c2d-1'), {
      policy,
      ...(method === 'POST' ? { body: { body: 'x' } } : {}),
    });
    expect(res.status).toBe(401);
  });

  it('answers 404 for an unknown device and 400 for a bad message', async () => {
    expect((await hub.call('POST', messages('nobody'), { body: { body: 'x' } })).status).toBe(404);
    const bad = await hub.call('POST', messages('c2d-1'), {
      body: { body: 'x', properties: { '$.mid': 'x' } },
    });
    expect(bad.status).toBe(400);
    expect((bad.json as { Message: string }).Message).toMatch(/ArgumentInvalid;.*properties/);
    expect(
      (
        await hub.call('POST', messages('c2d-1'), {
          raw: 'body=x',
          headers: { 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(415);
  });
});

describe('C2D delivery through the MQTT gateway', () => {
  it('delivers at QoS 1 with a percent-encoded bag and dequeues after the PUBACK', async () => {
    const device = await connect('c2d-live');
    try {
      expect(await device.subscribe('devices/c2d-live/messages/devicebound/#', 1)).toBe(1);
      const arriving = device.next('devices/c2d-live/messages/devicebound/');
      const res = await hub.call('POST', messages('c2d-live'), {
        body: {
          body: 'hello',
          messageId: 'live-1',
          correlationId: 'corr/1',
          contentType: 'text/plain',
          properties: { 'a/b': 'x=y&z', empty: '' },
        },
      });
      expect(res.status).toBe(202);
      const msg = await arriving;
      expect(msg.payload.toString()).toBe('hello');
      expect(msg.topic.split('/')).toHaveLength(5);
      expect(bagOf(msg)).toMatchObject({
        '$.mid': 'live-1',
        '$.to': '/devices/c2d-live/messages/devicebound',
        '$.cid': 'corr/1',
        '$.ct': 'text/plain',
        'a/b': 'x=y&z',
        empty: '',
      });
      // mqtt.js sends the PUBACK on receipt; the queue empties once the hub has it.
      await until(async () => ((await hub.call('GET', messages('c2d-live'))).json as unknown[]).length === 0);
      const identity = await hub.call('GET', '/devices/c2d-live');
      expect((identity.json as { cloudToDeviceMessageCount: number }).cloudToDeviceMessageCount).toBe(0);
    } finally {
      await device.close();
    }
  });

  it('keeps messages for an offline device and delivers them, in order, once it subscribes', async () => {
    for (const body of ['one', 'two', 'three']) {
      expect((await hub.call('POST', messages('c2d-later'), { body: { body } })).status).toBe(202);
    }
    const device = await connect('c2d-later');
    try {
      const first = device.next('devices/c2d-later/messages/devicebound/');
      await device.subscribe('devices/c2d-later/messages/devicebound/#', 1);
      await first;
      await until(async () => device.received.length >= 3);
      expect(device.received.map((m) => m.payload.toString())).toEqual(['one', 'two', 'three']);
      await until(
        async () => ((await hub.call('GET', messages('c2d-later'))).json as unknown[]).length === 0,
      );
    } finally {
      await device.close();
    }
  });
});
