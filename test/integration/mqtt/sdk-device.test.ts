import type { TelemetryMessage } from '@outpost/core';
import { Client, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MqttTestHub, startMqttTestHub } from './mqtt-hub';

// The unmodified Azure IoT Node device SDK against the gateway, in process: only the connection
// string (GatewayHostName) and the trusted CA differ from a cloud deployment (device-protocol.md §3).

let hub: MqttTestHub;
const telemetry: TelemetryMessage[] = [];
beforeAll(async () => {
  hub = await startMqttTestHub({}, { telemetrySink: { append: async (m) => void telemetry.push(m) } });
});
afterAll(() => hub.close());

async function sdkClient(deviceId: string, options: Record<string, unknown> = {}) {
  const key = await hub.createDevice(deviceId);
  const gateway = `127.0.0.1:${new URL(hub.runtime.urls.mqtts).port}`;
  const client = Client.fromConnectionString(
    `HostName=localhost;DeviceId=${deviceId};SharedAccessKey=${key};GatewayHostName=${gateway}`,
    Mqtt,
  );
  await client.setOptions({ ca: hub.ca, ...options });
  return client;
}

describe('the Azure IoT device SDK', () => {
  it('opens, reads the twin, reports, receives desired patches, answers methods and sends telemetry', async () => {
    const client = await sdkClient('sdk-1');
    try {
      await client.open();
      const twin = await client.getTwin();
      expect(twin.properties.desired.$version).toBe(1);

      await new Promise<void>((resolve, reject) =>
        twin.properties.reported.update({ firmware: '1.2.3' }, (err?: Error) =>
          err ? reject(err) : resolve(),
        ),
      );
      const service = (await hub.call('GET', '/twins/sdk-1')).json as {
        properties: { reported: Record<string, unknown> };
      };
      expect(service.properties.reported.firmware).toBe('1.2.3');

      const patches: Record<string, unknown>[] = [];
      const patched = new Promise<void>((resolve) => {
        twin.on('properties.desired', (delta: Record<string, unknown>) => {
          patches.push(delta);
          if (delta.interval === 30) resolve();
        });
      });
      await hub.call(
        'PATCH',
        '/twins/sdk-1',
        { properties: { desired: { interval: 30 } } },
        { 'if-match': '*' },
      );
      await patched;

      client.onDeviceMethod('reboot', (request, response) => {
        response.send(200, { rebooting: true, asked: request.payload }, () => undefined);
      });
      // onDeviceMethod subscribes in the background; the connect timeout covers that race.
      const res = await hub.call('POST', '/twins/sdk-1/methods', {
        methodName: 'reboot',
        payload: { delay: 5 },
        connectTimeoutInSeconds: 30,
      });
      expect(res.json).toEqual({ status: 200, payload: { rebooting: true, asked: { delay: 5 } } });

      const message = new Message(JSON.stringify({ t: 21.5 }));
      message.messageId = 'msg-1';
      message.properties.add('alert', 'high');
      await client.sendEvent(message);
      const got = telemetry.find((m) => m.deviceId === 'sdk-1');
      expect(got?.systemProperties['$.mid']).toBe('msg-1');
      expect(got?.properties).toEqual({ alert: 'high' });
    } finally {
      await client.close();
    }
  });

  it('keeps desired patches and methods flowing after a SAS renewal, which re-subscribes nothing', async () => {
    // Tokens of 8 s renewed 5 s early: the SDK reconnects with a new token every ~3 s.
    const client = await sdkClient('sdk-renew', {
      tokenRenewal: { tokenValidTimeInSeconds: 8, tokenRenewalMarginInSeconds: 5 },
    });
    let connections = 0;
    let renewed!: () => void;
    const reconnected = new Promise<void>((resolve) => {
      renewed = resolve;
    });
    const off = hub.runtime.hub.events.on('deviceConnected', 'test', (e) => {
      if (e.deviceId === 'sdk-renew' && ++connections === 2) renewed();
    });
    try {
      await client.open();
      const twin = await client.getTwin();
      const deltas: Record<string, unknown>[] = [];
      twin.on('properties.desired', (delta: Record<string, unknown>) => deltas.push(delta));
      client.onDeviceMethod('ping', (_req, res) => res.send(200, 'pong', () => undefined));
      // Wait until both subscriptions are stored, then for the renewal's new connection.
      await hub.call('POST', '/twins/sdk-renew/methods', { methodName: 'ping', connectTimeoutInSeconds: 30 });
      await reconnected;

      const arrived = new Promise<void>((resolve) => {
        twin.on('properties.desired', (delta: Record<string, unknown>) => {
          if (delta.afterRenewal === true) resolve();
        });
      });
      await hub.call(
        'PATCH',
        '/twins/sdk-renew',
        { properties: { desired: { afterRenewal: true } } },
        { 'if-match': '*' },
      );
      await arrived;
      const res = await hub.call('POST', '/twins/sdk-renew/methods', {
        methodName: 'ping',
        connectTimeoutInSeconds: 30,
      });
      expect(res.json).toEqual({ status: 200, payload: 'pong' });
    } finally {
      off();
      await client.close();
    }
  });
});
