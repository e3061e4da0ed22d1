import tls from 'node:tls';
import { silentLogger } from '@outpost/core';
import { createMemoryTelemetrySink, createMqttGateway, startPlainListener } from '@outpost/edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connackCode, deviceToken, type TestDevice } from '../../helpers/mqtt-device';
import { type MqttTestHub, startMqttTestHub } from './mqtt-hub';

let hub: MqttTestHub;
let keys: Record<string, string>;
let witness: TestDevice;

beforeAll(async () => {
  hub = await startMqttTestHub({ mqttPlainPort: 0 });
  keys = {};
  for (const id of ['c-ok', 'c-other', 'c-off', 'c-witness']) keys[id] = await hub.createDevice(id);
  const off = await hub.call(
    'PUT',
    '/devices/c-off',
    { deviceId: 'c-off', status: 'disabled' },
    { 'if-match': '*' },
  );
  expect(off.status).toBe(200);
  witness = await hub.connect('c-witness', keys['c-witness']!);
});
afterAll(async () => {
  await witness?.close();
  await hub.close();
});

/** The witness device still gets twin answers: a refusal elsewhere did not hurt it. */
async function witnessStillServed() {
  expect((await witness.getTwin()).status).toBe(200);
}

const token = (deviceId: string, key: string, more: { expiresAt?: number; host?: string } = {}) =>
  deviceToken({
    host: more.host ?? 'localhost',
    deviceId,
    key,
    ...(more.expiresAt ? { expiresAt: more.expiresAt } : {}),
  });

describe('MQTT CONNECT authentication', () => {
  it('accepts a SAS device (CONNACK 0) over TLS', async () => {
    const code = await connackCode({
      url: hub.runtime.urls.mqtts,
      ca: hub.ca,
      deviceId: 'c-ok',
      token: token('c-ok', keys['c-ok']!),
    });
    expect(code).toBe(0);
  });

  it.each([
    ['a wrong key', () => ({ deviceId: 'c-ok', token: token('c-ok', keys['c-other']!) })],
    ["another device's token", () => ({ deviceId: 'c-ok', token: token('c-other', keys['c-other']!) })],
    [
      'an expired token (beyond the skew allowance)',
      () => ({
        deviceId: 'c-ok',
        token: token('c-ok', keys['c-ok']!, { expiresAt: Math.floor(Date.now() / 1000) - 3600 }),
      }),
    ],
    ['an unknown device', () => ({ deviceId: 'c-nobody', token: token('c-nobody', keys['c-ok']!) })],
    ['a disabled device', () => ({ deviceId: 'c-off', token: token('c-off', keys['c-off']!) })],
    [
      'a username naming another hub',
      () => ({ deviceId: 'c-ok', host: 'elsewhere.example', token: token('c-ok', keys['c-ok']!) }),
    ],
    [
      'a clientId that is not the device',
      () => ({ deviceId: 'c-ok', clientId: 'c-other', token: token('c-ok', keys['c-ok']!) }),
    ],
    ['no credentials at all', () => ({ deviceId: 'c-ok' })],
  ])('refuses %s with CONNACK 5 while others are served', async (_name, make) => {
    const code = await connackCode({ url: hub.runtime.urls.mqtts, ca: hub.ca, ...make() });
    expect(code).toBe(5);
    await witnessStillServed();
  });

  it('accepts a token signed with a DeviceConnect policy, refuses one without that right', async () => {
    const device = hub.runtime.hub.policies.get('device')!;
    const service = hub.runtime.hub.policies.get('service')!;
    const byPolicy = (p: typeof device) =>
      deviceToken({ host: 'localhost', deviceId: 'c-ok', key: p.primaryKey, policyName: p.name });
    const base = { url: hub.runtime.urls.mqtts, ca: hub.ca, deviceId: 'c-ok' };
    expect(await connackCode({ ...base, token: byPolicy(device) })).toBe(0);
    expect(await connackCode({ ...base, token: byPolicy(service) })).toBe(5);
  });

  it('counts the refusals in gatewayStats()', () => {
    const stats = hub.runtime.gatewayStats();
    expect(stats.connectsRefused).toBeGreaterThanOrEqual(9);
    expect(stats.connectsAccepted).toBeGreaterThanOrEqual(3);
  });

  it('survives garbage bytes on a TLS socket without hurting other devices', async () => {
    const port = Number(new URL(hub.runtime.urls.mqtts).port);
    const socket = tls.connect({ host: '127.0.0.1', port, ca: hub.ca });
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef]));
    await ended;
    await witnessStillServed();
  });

  it('serves MQTT over WebSockets at /$iothub/websocket (subprotocol mqtt)', async () => {
    expect(hub.runtime.urls.mqttWs).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/\$iothub\/websocket$/);
    const device = await hub.connect('c-ok', keys['c-ok']!, { url: hub.runtime.urls.mqttWs });
    try {
      expect(device.client.stream).toBeDefined();
      expect((await device.subscribe('$iothub/twin/res/#')) === 0).toBe(true);
      expect((await device.getTwin()).status).toBe(200);
    } finally {
      await device.close();
    }
  });

  it('serves plain MQTT on loopback only when configured', async () => {
    expect(hub.runtime.urls.mqtt).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const device = await hub.connect('c-ok', keys['c-ok']!, { url: hub.runtime.urls.mqtt! });
    try {
      expect((await device.getTwin()).status).toBe(200);
    } finally {
      await device.close();
    }
  });
});

describe('a gateway whose hub is not attached yet', () => {
  it('answers CONNACK 3 (the one refusal the SDK retries)', async () => {
    const gateway = await createMqttGateway({
      hostNames: ['localhost'],
      skewSeconds: 300,
      telemetrySink: createMemoryTelemetrySink(),
      logger: silentLogger,
    });
    const listener = await startPlainListener({ handle: gateway.handle.bind(gateway), port: 0 });
    try {
      const code = await connackCode({
        url: `mqtt://127.0.0.1:${listener.port}`,
        ca: hub.ca,
        deviceId: 'c-ok',
        token: token('c-ok', keys['c-ok']!),
      });
      expect(code).toBe(3);
      expect(gateway.stats().connectsUnavailable).toBe(1);
    } finally {
      await gateway.stop();
      await listener.close();
    }
  });
});
