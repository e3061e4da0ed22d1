import type { ConnectionEvent } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connackCode, deviceToken } from '../../helpers/mqtt-device';
import { type MqttTestHub, startMqttTestHub } from './mqtt-hub';

let hub: MqttTestHub;
beforeAll(async () => {
  hub = await startMqttTestHub();
});
afterAll(() => hub.close());

type Identity = {
  connectionState: string;
  connectionStateUpdatedTime: string;
  lastActivityTime: string;
  authentication: { symmetricKey: { primaryKey: string; secondaryKey: string } };
};
const identity = async (id: string) => (await hub.call('GET', `/devices/${id}`)).json as Identity;

/** The next hub event of `name` for `deviceId`. */
function nextEvent(
  name: 'deviceConnected' | 'deviceDisconnected',
  deviceId: string,
): Promise<ConnectionEvent> {
  return new Promise((resolve) => {
    const off = hub.runtime.hub.events.on(name, 'test', (e) => {
      if (e.deviceId !== deviceId) return;
      off();
      resolve(e);
    });
  });
}

describe('connection state', () => {
  it('is Connected while a connection is open, Disconnected after, with events and no change-feed entry', async () => {
    const key = await hub.createDevice('cs-1');
    expect((await identity('cs-1')).connectionState).toBe('Disconnected');
    const seq = hub.runtime.hub.feed.lastSeq();

    const connected = nextEvent('deviceConnected', 'cs-1');
    const device = await hub.connect('cs-1', key);
    expect((await connected).deviceId).toBe('cs-1');
    const open = await identity('cs-1');
    expect(open.connectionState).toBe('Connected');
    expect(open.connectionStateUpdatedTime).not.toBe('0001-01-01T00:00:00Z');
    expect(open.lastActivityTime).not.toBe('0001-01-01T00:00:00Z');
    const twin = (await hub.call('GET', '/twins/cs-1')).json as { connectionState: string };
    expect(twin.connectionState).toBe('Connected');

    await device.client.publishAsync('devices/cs-1/messages/events/', 'x', { qos: 1 });
    const disconnected = nextEvent('deviceDisconnected', 'cs-1');
    await device.close();
    await disconnected;
    expect((await identity('cs-1')).connectionState).toBe('Disconnected');
    // Connection state lives in memory: nothing was appended to the change feed (or written).
    expect(hub.runtime.hub.feed.lastSeq()).toBe(seq);
  });
});

describe('registry changes end live connections', () => {
  it('drops the connection of a device that is disabled, and refuses it afterwards', async () => {
    const key = await hub.createDevice('drop-off');
    const device = await hub.connect('drop-off', key);
    await hub.call(
      'PUT',
      '/devices/drop-off',
      { deviceId: 'drop-off', status: 'disabled' },
      { 'if-match': '*' },
    );
    await device.closed;
    const token = deviceToken({ host: 'localhost', deviceId: 'drop-off', key });
    expect(await connackCode({ url: hub.runtime.urls.mqtts, ca: hub.ca, deviceId: 'drop-off', token })).toBe(
      5,
    );
  });

  it('drops the connection of a device that is deleted', async () => {
    const key = await hub.createDevice('drop-del');
    const device = await hub.connect('drop-del', key);
    expect((await hub.call('DELETE', '/devices/drop-del', undefined, { 'if-match': '*' })).status).toBe(204);
    await device.closed;
  });

  it('drops the connection when the keys are rotated; only the new key connects', async () => {
    const key = await hub.createDevice('drop-rot');
    const device = await hub.connect('drop-rot', key);
    const newKey = Buffer.alloc(32, 9).toString('base64');
    const res = await hub.call(
      'PUT',
      '/devices/drop-rot',
      {
        deviceId: 'drop-rot',
        authentication: { type: 'sas', symmetricKey: { primaryKey: newKey, secondaryKey: newKey } },
      },
      { 'if-match': '*' },
    );
    expect(res.status).toBe(200);
    await device.closed;
    const base = { url: hub.runtime.urls.mqtts, ca: hub.ca, deviceId: 'drop-rot' };
    expect(
      await connackCode({ ...base, token: deviceToken({ host: 'localhost', deviceId: 'drop-rot', key }) }),
    ).toBe(5);
    expect(
      await connackCode({
        ...base,
        token: deviceToken({ host: 'localhost', deviceId: 'drop-rot', key: newKey }),
      }),
    ).toBe(0);
    expect(hub.runtime.gatewayStats().connectionsDropped).toBeGreaterThanOrEqual(3);
  });

  it('keeps other devices connected through all of that', async () => {
    const key = await hub.createDevice('drop-bystander');
    const device = await hub.connect('drop-bystander', key);
    try {
      await device.subscribe('$iothub/twin/res/#');
      await hub.call(
        'PUT',
        '/devices/drop-off',
        { deviceId: 'drop-off', status: 'enabled' },
        { 'if-match': '*' },
      );
      expect((await device.getTwin()).status).toBe(200);
    } finally {
      await device.close();
    }
  });
});

describe('SAS token expiry', () => {
  it('closes the connection when the token expires, as IoT Hub does', async () => {
    const strict = await startMqttTestHub({ clockSkewSeconds: 0 });
    try {
      const key = await strict.createDevice('exp-1');
      const token = deviceToken({
        host: 'localhost',
        deviceId: 'exp-1',
        key,
        expiresAt: Math.ceil(Date.now() / 1000) + 2,
      });
      const device = await strict.connect('exp-1', key, { token });
      await device.closed;
      expect(strict.runtime.gatewayStats().connectionsDropped).toBe(1);
    } finally {
      await strict.close();
    }
  });
});
