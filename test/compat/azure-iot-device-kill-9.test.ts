/**
 * The unmodified SDK through a hub crash: the hub runs as `outpost start` on 443/8883 of a loopback
 * address of its own, is killed with SIGKILL and started again on the same address and data. The
 * SDK devices (in this process) keep running and must get desired patches, methods and C2D again;
 * the SDK re-subscribes only methods and C2D (device-protocol.md §1.8), so the hub's durable
 * subscription intents carry the desired patches.
 *
 * How the SDK notices the crash decides who reconnects:
 *  - a clean TCP close (the hub had read everything): the SDK reconnects by itself, since listeners
 *    are registered;
 *  - a TCP reset (the hub died with unread bytes, e.g. a PUBLISH in flight): azure-iot-device-mqtt
 *    1.16.4 hands the raw `read ECONNRESET` Error to the client, whose retry filter does not know the
 *    name "Error", so it gives up and emits `disconnect`; the app must re-open, as Microsoft's samples do.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { c2dRoundTrip, desiredRoundTrip, invokeEcho } from '../helpers/compat-device-checks';
import {
  createSasDevice,
  createThumbprintDevice,
  type HubApi,
  readTelemetryStream,
  type StreamedTelemetry,
} from '../helpers/compat-device-hub';
import { type DeviceHubProcess, startDeviceHubProcess } from '../helpers/compat-device-process';
import { type SdkDevice, type SdkTransport, startSdkDevice } from '../helpers/compat-device-sdk';

let dataDir: string;
let hub: DeviceHubProcess;
const devices: SdkDevice[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-sdk-kill9-'));
  hub = await startDeviceHubProcess(dataDir);
}, 60_000);
afterAll(async () => {
  for (const d of devices.splice(0)) await d.close().catch(() => undefined);
  await hub?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** A SAS device over Mqtt, a SAS device over MqttWs and an X.509 device over Mqtt. */
async function startDevices(prefix: string, reopenOnDisconnect: boolean): Promise<SdkDevice[]> {
  const { api, address, ca } = hub;
  const kinds: [string, SdkTransport, 'sas' | 'x509'][] = [
    [`${prefix}-sas-mqtt`, 'Mqtt', 'sas'],
    [`${prefix}-sas-ws`, 'MqttWs', 'sas'],
    [`${prefix}-x509-mqtt`, 'Mqtt', 'x509'],
  ];
  const started: SdkDevice[] = [];
  for (const [deviceId, transport, auth] of kinds) {
    const credentials =
      auth === 'sas'
        ? { kind: 'sas' as const, key: await createSasDevice(api, deviceId) }
        : { kind: 'x509' as const, ...(await createThumbprintDevice(api, deviceId)) };
    const device = await startSdkDevice({
      deviceId,
      transport,
      credentials,
      address,
      ca,
      reopenOnDisconnect,
    });
    devices.push(device);
    started.push(device);
  }
  // Every feature works before the crash, and every subscription is stored by then.
  for (const device of started) {
    expect((await invokeEcho(api, device.deviceId, 'before')).status, device.deviceId).toBe(200);
    expect((await desiredRoundTrip(api, device)).status, device.deviceId).toBe(200);
    expect((await c2dRoundTrip(api, device)).received, device.deviceId).toBeDefined();
  }
  return started;
}

/** After the restart: the device is back and every feature works on the new process. */
async function expectAllFeatures(api: HubApi, device: SdkDevice): Promise<void> {
  const id = device.deviceId;
  const method = await invokeEcho(api, id, { after: 'kill -9' });
  expect(method, id).toEqual({
    status: 200,
    json: { status: 200, payload: { deviceId: id, payload: { after: 'kill -9' } } },
  });

  const desired = await desiredRoundTrip(api, device);
  expect(desired.status, id).toBe(200);
  expect(desired.delta.marker, id).toBe(desired.marker);

  const c2d = await c2dRoundTrip(api, device);
  expect(c2d.status, id).toBe(202);
  expect(c2d.received?.messageId, id).toBe(c2d.messageId);

  expect(await device.send(`${id}-after-${Date.now()}`, { ok: true }), id).toBe('MessageEnqueued');
  await device.report({ afterCrash: Date.now() });
  const twin = (await api.call('GET', `/twins/${id}`)).json as {
    properties: { reported: Record<string, unknown> };
  };
  expect(twin.properties.reported.afterCrash, id).toBeTypeOf('number');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('azure-iot-device (unmodified) through kill -9 and a restart of the hub', () => {
  it('a quiet crash: the SDK reconnects by itself and gets desired patches, methods and C2D again', async () => {
    const started = await startDevices('quiet', false);
    // Let the hub read every byte the devices sent: its sockets then close with FIN, not RST.
    await sleep(500);
    expect(await hub.current().kill('SIGKILL')).toBeNull();
    // The devices notice at once and fail a few reconnects against nothing.
    await sleep(1_000);
    await hub.restart();

    for (const device of started) {
      // ECONNREFUSED and CONNACK 3 (hub still loading) are retryable: the SDK comes back alone.
      await device.connected(2, 60_000);
      await expectAllFeatures(hub.api, device);
      expect(
        device.problems.filter((p) => p.startsWith('disconnect')),
        device.deviceId,
      ).toEqual([]);
    }
    for (const device of started) await device.close();
  }, 120_000);

  it('a crash mid-exchange (TCP reset): an app that re-opens on disconnect gets everything back', async () => {
    const started = await startDevices('reset', true);
    // Freeze the hub, put a PUBLISH into each of its sockets' receive queues, then kill it: the
    // kernel answers unread data with RST, as when a hub dies in the middle of a burst.
    const proc = hub.current();
    proc.child.kill('SIGSTOP');
    const inFlight = started.map((d) =>
      d.send(`${d.deviceId}-in-flight`, { n: 1 }).catch((e: Error) => e.name),
    );
    await sleep(300);
    expect(await proc.kill('SIGKILL')).toBeNull();
    await sleep(1_000);
    await hub.restart();

    for (const device of started) {
      await device.connected(2, 60_000);
      await expectAllFeatures(hub.api, device);
    }
    // The reset reached the SDK as a socket error (otherwise this test proves nothing new).
    const reset = started.flatMap((d) => d.problems).filter((p) => /ECONNRESET/.test(p));
    const seen = started.map((d) => `${d.deviceId}: ${d.problems.join(' | ') || 'no events'}`).join('\n');
    expect(reset.length, seen).toBeGreaterThan(0);
    // The sendEvent in flight at the crash is re-sent after the reconnect: acknowledged, and stored.
    const outcome = await Promise.race([Promise.all(inFlight), sleep(45_000).then(() => 'still pending')]);
    expect(outcome).toEqual(['MessageEnqueued', 'MessageEnqueued', 'MessageEnqueued']);
    const wanted = started.map((d) => `${d.deviceId}-in-flight`);
    const has = (events: StreamedTelemetry[]) =>
      wanted.filter((mid) => events.some((e) => e.systemProperties['$.mid'] === mid));
    const stream = await readTelemetryStream(
      hub.api,
      'from=1',
      (events) => has(events).length === wanted.length,
    );
    expect(has(stream)).toEqual(wanted);
  }, 150_000);
});
