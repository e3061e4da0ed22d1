import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureHubPki } from '@outpost/edge-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedDevice } from '../../../edge-runtime/src/simulator/simulated-device';
import type {
  SimulatedDevice,
  SimulatedDeviceEvent,
  SimulatedDeviceOptions,
} from '../../../edge-runtime/src/simulator/simulated-device-types';
import { type FakeHub, startFakeHub, waitFor } from './fake-hub';

const KEY = Buffer.alloc(32, 3).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 4).toString('base64');

let tmp: string;
let pki: { caPem: string; certPem: string; keyPem: string };
let hub: FakeHub;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'outpost-sim-'));
  pki = await ensureHubPki({ dir: tmp, hostName: 'localhost', sans: [] });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await hub?.close();
});

async function start(
  options: Partial<SimulatedDeviceOptions> = {},
  hubOptions: { unavailable?: number } = {},
): Promise<SimulatedDevice> {
  hub = await startFakeHub({
    cert: pki.certPem,
    key: pki.keyPem,
    keyOf: (id) => (id.startsWith('dev') ? KEY : undefined),
    ...hubOptions,
  });
  const device = createSimulatedDevice({
    hostName: 'localhost',
    url: hub.url,
    ca: pki.caPem,
    deviceId: 'dev1',
    key: KEY,
    telemetryIntervalMs: 0,
    rebootDelayMs: 100,
    factoryResetDurationMs: 50,
    ...options,
  });
  devices.push(device);
  await device.start();
  return device;
}

const patchesOf = (id = 'dev1') => hub.reportedPatches.filter((p) => p.deviceId === id).map((p) => p.patch);

describe('simulated device against a scripted aedes hub', () => {
  it('connects and subscribes exactly like the Node SDK', async () => {
    await start();
    const [connect] = hub.connects;
    expect(connect).toMatchObject({ clientId: 'dev1', clean: false, keepalive: 180, protocolVersion: 4 });
    expect(connect?.username).toMatch(
      /^localhost\/dev1\/\?api-version=2021-04-12&DeviceClientType=azure-iot-device%2F1\.18\.4%20\(node%20v/,
    );
    expect(connect?.password).toMatch(
      /^SharedAccessSignature sr=localhost%2Fdevices%2Fdev1&sig=[^&]+&se=\d+$/,
    );
    // §2.9: GET before the desired subscription, then methods, then C2D at QoS 1; one filter each.
    expect(hub.subscribes.map((s) => [s.filter, s.qos])).toEqual([
      ['$iothub/twin/res/#', 0],
      ['$iothub/twin/PATCH/properties/desired/#', 0],
      ['$iothub/methods/POST/#', 0],
      ['devices/dev1/messages/devicebound/#', 1],
    ]);
    const get = hub.publishes.find((p) => p.topic.startsWith('$iothub/twin/GET/'));
    expect(get?.topic).toMatch(/^\$iothub\/twin\/GET\/\?\$rid=[0-9a-f-]{36}$/);
    expect(get?.payload).toBe(' ');
    expect(patchesOf()[0]).toMatchObject({
      firmwareVersion: '1.0.0',
      status: 'online',
      battery: expect.any(Number),
      telemetryInterval: 0,
      configStatus: { status: 'applied', version: 1 },
    });
  });

  it('sends QoS 1 telemetry with the SDK property bag and a JSON body', async () => {
    const device = await start({ telemetryIntervalMs: 50 });
    await waitFor(() => device.stats.telemetrySent >= 3, 'three telemetry messages');
    const sent = hub.publishes.filter((p) => p.topic.startsWith('devices/dev1/messages/events/'));
    expect(sent[0]?.qos).toBe(1);
    expect(sent[0]?.topic).toMatch(
      /^devices\/dev1\/messages\/events\/%24\.mid=[0-9a-f-]{36}&%24\.ct=application%2Fjson&%24\.ce=utf-8&temperatureAlert=(true|false)&source=outpost-simulator$/,
    );
    const body = JSON.parse(sent[0]?.payload ?? '{}');
    expect(body).toMatchObject({ seq: 1, temperature: expect.any(Number), battery: expect.any(Number) });
  });

  it('reboot: 200 at once, rebooting, offline, reconnect, then lastReboot and done', async () => {
    const device = await start();
    const events: SimulatedDeviceEvent['type'][] = [];
    device.onEvent((e) => events.push(e.type));
    const answer = await hub.invoke('dev1', 'reboot', { delay: 0.2 });
    expect(answer).toMatchObject({ status: 200, payload: { status: 'rebooting' } });
    await waitFor(
      () => patchesOf().some((p) => (p.rebootStatus as { status?: string })?.status === 'done'),
      'done',
    );
    const patches = patchesOf().slice(1);
    expect(patches[0]).toMatchObject({
      rebootStatus: { status: 'rebooting', startedAt: expect.any(String) },
    });
    expect(patches[1]).toMatchObject({ firmwareVersion: '1.0.0', status: 'online' }); // the boot report
    expect(patches[2]).toMatchObject({ lastReboot: expect.any(String), rebootStatus: { status: 'done' } });
    expect(hub.connects).toHaveLength(2);
    expect(hub.disconnects).toEqual(['dev1']);
    expect(events).toEqual(expect.arrayContaining(['disconnected', 'connected', 'booted']));
    expect(hub.twin('dev1').reported.rebootStatus).toMatchObject({ status: 'done' });
    expect(device.stats.boots).toBe(2);
  });

  it('factoryReset: resetting, reported back to defaults with others nulled, done', async () => {
    const device = await start({ telemetryIntervalMs: 10_000 });
    await device.reportProperties({ custom: { a: 1 }, lastReboot: 'x' });
    hub.setDesired('dev1', { telemetryInterval: 5 });
    await waitFor(() => device.config.telemetryIntervalMs === 5_000, 'configuration applied');
    await waitFor(() => patchesOf().some((p) => p.telemetryInterval === 5), 'config reported');
    const before = patchesOf().length;
    expect(await hub.invoke('dev1', 'factoryReset')).toMatchObject({
      status: 200,
      payload: { status: 'resetting' },
    });
    await waitFor(
      () => patchesOf().some((p) => (p.factoryResetStatus as { status?: string })?.status === 'done'),
      'reset done',
    );
    const [resetting, reset, done] = patchesOf().slice(before);
    expect(resetting).toMatchObject({ factoryResetStatus: { status: 'resetting' } });
    expect(reset).toEqual({
      custom: null,
      lastReboot: null,
      configStatus: null,
      firmwareVersion: '1.0.0',
      battery: expect.any(Number),
      status: 'online',
      telemetryInterval: 10,
      reportInterval: 300,
      logLevel: 'info',
    });
    expect(done).toMatchObject({ factoryResetStatus: { status: 'done', finishedAt: expect.any(String) } });
    const reported = hub.twin('dev1').reported;
    expect(reported).not.toHaveProperty('custom');
    expect(reported).toMatchObject({ telemetryInterval: 10, factoryResetStatus: { status: 'done' } });
    expect(device.config.telemetryIntervalMs).toBe(10_000);
  });

  it('configuration: applies desired settings and acknowledges the desired $version', async () => {
    const device = await start({ telemetryIntervalMs: 0 });
    const version = hub.setDesired('dev1', { telemetryInterval: 0.1, logLevel: 'debug', other: 1 });
    await waitFor(() => patchesOf().find((p) => p.telemetryInterval === 0.1), 'applied');
    expect(patchesOf().at(-1)).toEqual({
      telemetryInterval: 0.1,
      reportInterval: 300,
      logLevel: 'debug',
      configStatus: { status: 'applied', version, message: null },
    });
    await waitFor(() => device.stats.telemetrySent >= 2, 'telemetry at the new rate');
    const bad = hub.setDesired('dev1', { telemetryInterval: -1 });
    const error = await waitFor(
      () => patchesOf().find((p) => (p.configStatus as { version?: number })?.version === bad),
      'error status',
    );
    expect(error.configStatus).toMatchObject({
      status: 'error',
      message: expect.stringContaining('telemetryInterval'),
    });
    expect(device.config.telemetryIntervalMs).toBe(100);
    hub.setDesired('dev1', { telemetryInterval: null });
    await waitFor(() => device.config.telemetryIntervalMs === 0, 'deleted setting back to default');
  });

  it('answers unknown methods 404, failMethods 500 and a non-JSON body 400 like the SDK', async () => {
    await start({ failMethods: ['reboot'] });
    expect(await hub.invoke('dev1', 'selfDestruct')).toMatchObject({ status: 404 });
    expect(await hub.invoke('dev1', 'reboot')).toMatchObject({ status: 500 });
    const bad = await hub.invokeRaw('dev1', 'factoryReset', '');
    expect(bad.status).toBe(400);
    expect(String(bad.payload)).toMatch(/^Invalid request format: /);
    expect(hub.connects).toHaveLength(1);
  });

  it('renews its SAS by reconnecting with clean=0 and no SUBSCRIBE, and keeps working', async () => {
    const device = await start({ tokenValidSeconds: 2, tokenRenewalMarginSeconds: 1 });
    const subscribed = hub.subscribes.length;
    await waitFor(() => hub.connects.length === 2, 'the renewal CONNECT', 3_000);
    await waitFor(() => device.isConnected && device.stats.tokenRenewals === 1, 'renewed');
    expect(hub.connects[1]).toMatchObject({ clientId: 'dev1', clean: false });
    expect(hub.connects[1]?.password).not.toBe(hub.connects[0]?.password);
    expect(hub.subscribes).toHaveLength(subscribed);
    // The broker kept the session, so methods and desired patches still reach the device.
    expect(await hub.invoke('dev1', 'nothing')).toMatchObject({ status: 404 });
    hub.setDesired('dev1', { logLevel: 'warn' });
    await waitFor(() => device.config.logLevel === 'warn', 'desired after renewal');
  });

  it('after a dropped connection reconnects and re-subscribes methods and C2D only', async () => {
    const device = await start();
    const subscribed = hub.subscribes.length;
    hub.dropConnection('dev1');
    await waitFor(() => device.stats.recoveries === 1, 'recovery');
    await waitFor(() => hub.subscribes.length === subscribed + 2, 're-subscriptions');
    expect(hub.subscribes.slice(subscribed).map((s) => s.filter)).toEqual([
      '$iothub/methods/POST/#',
      'devices/dev1/messages/devicebound/#',
    ]);
    expect(hub.connects.at(-1)).toMatchObject({ clean: false });
  });

  it('receives C2D with its decoded property bag', async () => {
    const device = await start();
    const received: SimulatedDeviceEvent[] = [];
    device.onEvent((e) => e.type === 'c2dReceived' && received.push(e));
    hub.sendC2d('dev1', '{"cmd":"blink"}', { '$.mid': 'c2d-1', 'with space': 'a&b=c' });
    await waitFor(() => received.length === 1, 'C2D');
    expect(received[0]).toEqual({
      type: 'c2dReceived',
      body: '{"cmd":"blink"}',
      systemProperties: { '$.mid': 'c2d-1' },
      properties: { 'with space': 'a&b=c' },
    });
  });

  it('retries CONNACK 3 and refuses to retry bad credentials', async () => {
    await start({}, { unavailable: 2 });
    expect(hub.connects).toHaveLength(3);
    const wrong = createSimulatedDevice({
      hostName: 'localhost',
      url: hub.url,
      ca: pki.caPem,
      deviceId: 'dev2',
      key: OTHER_KEY,
    });
    devices.push(wrong);
    await expect(wrong.start()).rejects.toThrow(/Not authorized|Connection refused/i);
    expect(hub.connects.filter((c) => c.clientId === 'dev2')).toHaveLength(1);
  });

  it('close() returns promptly while it is still trying to get back a lost connection', async () => {
    const device = await start();
    await hub.close();
    await waitFor(() => !device.isConnected, 'the drop');
    const started = Date.now();
    await device.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(device.sendTelemetry()).rejects.toThrow(/not connected/);
  });
});
