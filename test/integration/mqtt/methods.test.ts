import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ridOf, type TestDevice } from '../../helpers/mqtt-device';
import { type MqttTestHub, startMqttTestHub } from './mqtt-hub';

let hub: MqttTestHub;
beforeAll(async () => {
  hub = await startMqttTestHub();
});
afterAll(() => hub.close());

/** Answers every method request with `status` and the request's payload echoed back. */
function echo(device: TestDevice, status = 200) {
  device.client.on('message', (topic, payload) => {
    if (!topic.startsWith('$iothub/methods/POST/')) return;
    const body = JSON.stringify({ method: topic.split('/')[3], got: JSON.parse(payload.toString()) });
    device.client.publish(`$iothub/methods/res/${status}/?$rid=${ridOf(topic)}`, body);
  });
}

const invoke = (id: string, body: unknown) => hub.call('POST', `/twins/${id}/methods`, body);

describe('direct methods', () => {
  it('round-trips a call: JSON request body, the device status and payload back', async () => {
    const key = await hub.createDevice('m-echo');
    const device = await hub.connect('m-echo', key);
    try {
      expect(await device.subscribe('$iothub/methods/POST/#')).toBe(0);
      echo(device, 201);
      const res = await invoke('m-echo', {
        methodName: 'reboot',
        payload: { delay: 5 },
        responseTimeoutInSeconds: 10,
      });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 201, payload: { method: 'reboot', got: { delay: 5 } } });
      const sent = device.received.find((m) => m.topic.startsWith('$iothub/methods/POST/reboot/'));
      expect(sent?.topic).toMatch(/^\$iothub\/methods\/POST\/reboot\/\?\$rid=[^&]+$/);

      // No payload: the device gets the JSON text `null`, never an empty body (§2.7).
      const none = await invoke('m-echo', { methodName: 'noPayload' });
      expect(none.json).toEqual({ status: 201, payload: { method: 'noPayload', got: null } });
    } finally {
      await device.close();
    }
  });

  it('gives an empty device answer as payload null', async () => {
    const key = await hub.createDevice('m-empty');
    const device = await hub.connect('m-empty', key);
    try {
      await device.subscribe('$iothub/methods/POST/#');
      device.client.on('message', (topic) => {
        if (topic.startsWith('$iothub/methods/POST/'))
          device.client.publish(`$iothub/methods/res/200/?$rid=${ridOf(topic)}`, '');
      });
      expect((await invoke('m-empty', { methodName: 'x' })).json).toEqual({ status: 200, payload: null });
    } finally {
      await device.close();
    }
  });

  it('answers 404 DeviceNotOnline at once for an offline device and for one not subscribed', async () => {
    await hub.createDevice('m-off');
    const offline = await invoke('m-off', { methodName: 'x', responseTimeoutInSeconds: 300 });
    expect(offline.status).toBe(404);
    expect(offline.headers['iothub-errorcode']).toBe('DeviceNotOnline');

    const key = await hub.createDevice('m-nosub');
    const device = await hub.connect('m-nosub', key);
    try {
      const res = await invoke('m-nosub', { methodName: 'x', responseTimeoutInSeconds: 300 });
      expect(res.status).toBe(404);
      expect(res.headers['iothub-errorcode']).toBe('DeviceNotOnline');
    } finally {
      await device.close();
    }
  });

  it('answers 504 GatewayTimeout when the device stays silent', async () => {
    const key = await hub.createDevice('m-silent');
    const device = await hub.connect('m-silent', key);
    try {
      await device.subscribe('$iothub/methods/POST/#');
      const res = await invoke('m-silent', { methodName: 'unknownToTheApp', responseTimeoutInSeconds: 5 });
      expect(res.status).toBe(504);
      expect(res.headers['iothub-errorcode']).toBe('GatewayTimeout');
      expect(device.received.some((m) => m.topic.startsWith('$iothub/methods/POST/unknownToTheApp/'))).toBe(
        true,
      );
    } finally {
      await device.close();
    }
  });

  it('waits up to connectTimeoutInSeconds for the device to connect and subscribe', async () => {
    const key = await hub.createDevice('m-late');
    const events: string[] = [];
    hub.runtime.hub.events.on('deviceSubscriptionsChanged', 'test', (e) => events.push(e.deviceId));
    const pending = invoke('m-late', { methodName: 'hello', payload: [1], connectTimeoutInSeconds: 60 });
    const device = await hub.connect('m-late', key);
    try {
      echo(device);
      await device.subscribe('$iothub/methods/POST/#');
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 200, payload: { method: 'hello', got: [1] } });
      expect(events).toContain('m-late');
    } finally {
      await device.close();
    }
  });

  it('keeps the methods subscription across a reconnect without SUBSCRIBE (SAS renewal)', async () => {
    const key = await hub.createDevice('m-renew');
    const first = await hub.connect('m-renew', key);
    await first.subscribe('$iothub/methods/POST/#');
    await hub.disconnect(first, 'm-renew');
    const second = await hub.connect('m-renew', key);
    try {
      echo(second);
      expect((await invoke('m-renew', { methodName: 'again' })).json).toEqual({
        status: 200,
        payload: { method: 'again', got: null },
      });
    } finally {
      await second.close();
    }
  });

  it.each([
    ['a method name with a slash', { methodName: 'a/b' }],
    ['a method name with a space', { methodName: 'a b' }],
    ['no method name', { payload: 1 }],
    ['a response timeout below 5 s', { methodName: 'x', responseTimeoutInSeconds: 4 }],
    ['a response timeout above 300 s', { methodName: 'x', responseTimeoutInSeconds: 301 }],
    ['a connect timeout above 300 s', { methodName: 'x', connectTimeoutInSeconds: 301 }],
    ['a payload over 128 KB', { methodName: 'x', payload: 'p'.repeat(130 * 1024) }],
  ])('answers 400 for %s', async (_name, body) => {
    await hub.createDevice(`m-bad-${Math.random().toString(36).slice(2, 8)}`).catch(() => undefined);
    const res = await invoke('m-echo', body);
    expect(res.status).toBe(400);
  });

  it('answers 404 DeviceNotFound for an unknown or disabled device', async () => {
    expect((await invoke('m-nobody', { methodName: 'x' })).headers['iothub-errorcode']).toBe(
      'DeviceNotFound',
    );
    await hub.createDevice('m-disabled');
    await hub.call(
      'PUT',
      '/devices/m-disabled',
      { deviceId: 'm-disabled', status: 'disabled' },
      { 'if-match': '*' },
    );
    expect((await invoke('m-disabled', { methodName: 'x' })).headers['iothub-errorcode']).toBe(
      'DeviceNotFound',
    );
  });
});
