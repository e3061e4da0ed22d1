/**
 * C2D durability across a hub restart: messages queued through `POST /api/v1/devices/{id}/messages`
 * for an offline device (202 = durably queued) survive a graceful stop (SIGTERM) and a crash
 * (SIGKILL right after the last 202), and are delivered in order once the device connects:
 *  - a device that never connected, and subscribes after the restart;
 *  - a device that subscribed before (clean=0) and reconnects WITHOUT subscribing again, as the
 *    SDK does after a SAS renewal (device-protocol.md §1.5): the hub remembers its subscription.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSasDevice } from '../../helpers/compat-device-hub';
import { apiOf, mqttsUrlOf, sleep } from '../../helpers/durability';
import { type HubProcess, startHubProcess } from '../../helpers/hub-process';
import { connectDevice, deviceToken, type Received, type TestDevice } from '../../helpers/mqtt-device';

const dirs: string[] = [];
const procs: HubProcess[] = [];
const devices: TestDevice[] = [];
afterAll(async () => {
  for (const d of devices) await d.close().catch(() => undefined);
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) await p.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const COUNT = 12;

/** The C2D property bag of a delivery, decoded as the SDK decodes it (§2.3). */
function bagOf(msg: Received): Record<string, string> {
  const bag = msg.topic.split('/')[4] ?? '';
  return Object.fromEntries(
    bag
      .split('&')
      .filter(Boolean)
      .map((pair) => pair.split('=').map((s) => decodeURIComponent(s)) as [string, string]),
  );
}

/** Resolves with the first `count` C2D deliveries of a device, or what arrived within `ms`. */
async function collect(
  device: TestDevice,
  deviceId: string,
  count: number,
  ms = 20_000,
): Promise<Received[]> {
  const prefix = `devices/${deviceId}/messages/devicebound/`;
  const end = Date.now() + ms;
  let got = device.received.filter((m) => m.topic.startsWith(prefix));
  while (got.length < count && Date.now() < end) {
    await sleep(20);
    got = device.received.filter((m) => m.topic.startsWith(prefix));
  }
  return got;
}

describe.each<NodeJS.Signals>(['SIGTERM', 'SIGKILL'])(
  'C2D queued for offline devices, then a %s restart',
  (signal) => {
    it('delivers every queued message, in order, once the device connects', async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), `outpost-c2d-${signal.toLowerCase()}-`));
      dirs.push(dataDir);
      let current = await startHubProcess(dataDir);
      procs.push(current);
      const api = await apiOf(dataDir, () => current);
      const connect = async (deviceId: string, key: string) => {
        const device = await connectDevice({
          url: await mqttsUrlOf(current),
          ca: api.ca,
          deviceId,
          token: deviceToken({ host: 'localhost', deviceId, key }),
        });
        devices.push(device);
        return device;
      };

      const fresh = 'c2d-fresh';
      const freshKey = await createSasDevice(api, fresh);
      // The returning device subscribes once (stored before its SUBACK), then goes offline.
      const returning = 'c2d-returning';
      const returningKey = await createSasDevice(api, returning);
      const before = await connect(returning, returningKey);
      expect(await before.subscribe(`devices/${returning}/messages/devicebound/#`, 1)).toBe(1);
      await before.close();

      const queued = new Map<string, string[]>([
        [fresh, []],
        [returning, []],
      ]);
      for (let i = 0; i < COUNT; i++) {
        for (const [deviceId, ids] of queued) {
          const messageId = `${deviceId}-${i}`;
          const res = await api.call('POST', `/api/v1/devices/${deviceId}/messages`, {
            body: JSON.stringify({ i }),
            contentType: 'application/json',
            messageId,
            properties: { index: String(i) },
          });
          expect(res.status, `queue ${messageId}`).toBe(202);
          ids.push(messageId);
        }
      }
      // Right after the last 202: a graceful stop must flush, a crash must not lose anything either.
      const code = await current.kill(signal);
      expect(code).toBe(signal === 'SIGTERM' ? 0 : null);

      current = await startHubProcess(dataDir);
      procs.push(current);
      for (const [deviceId, ids] of queued) {
        const list = await api.call('GET', `/api/v1/devices/${deviceId}/messages`);
        expect(
          (list.json as { messageId: string }[]).map((m) => m.messageId),
          `${deviceId} after restart`,
        ).toEqual(ids);
      }

      const freshDevice = await connect(fresh, freshKey);
      expect(await freshDevice.subscribe(`devices/${fresh}/messages/devicebound/#`, 1)).toBe(1);
      // No SUBSCRIBE: the hub's stored intent routes the queue to the resumed clean=0 session.
      const returningDevice = await connect(returning, returningKey);

      for (const [device, deviceId] of [
        [freshDevice, fresh],
        [returningDevice, returning],
      ] as const) {
        const got = await collect(device, deviceId, COUNT);
        const bags = got.map(bagOf);
        expect(
          bags.map((b) => b['$.mid']),
          deviceId,
        ).toEqual(queued.get(deviceId));
        bags.forEach((b, i) => {
          expect(b.index).toBe(String(i));
          expect(b['$.ct']).toBe('application/json');
        });
        expect(got.map((m) => JSON.parse(m.payload.toString()).i)).toEqual([...Array(COUNT).keys()]);
      }

      // Every message was PUBACKed (mqtt.js acknowledges QoS 1 on receipt): the queues drain.
      for (const deviceId of queued.keys()) {
        let left = -1;
        for (let t = 0; t < 100 && left !== 0; t++) {
          left = ((await api.call('GET', `/api/v1/devices/${deviceId}/messages`)).json as unknown[]).length;
          if (left !== 0) await sleep(50);
        }
        expect(left, `${deviceId} queue after delivery`).toBe(0);
      }
      expect(await current.kill('SIGTERM')).toBe(0);
    }, 90_000);
  },
);
