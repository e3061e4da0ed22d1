/**
 * At-least-once telemetry through a crash: a device publishes QoS 1 telemetry carrying sequence
 * numbers, with a window of publishes in flight so it goes as fast as the PUBACKs come back, and
 * the hub process is killed with SIGKILL in the middle of the stream. The hub PUBACKs only once a
 * message is durable in the outbox (device-protocol.md §5 item 10), so after a restart every
 * acknowledged message must be there: served by the SSE stream, and on disk once the hub stopped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTelemetryOutbox } from '../../../edge-runtime/src/outbox';
import { createSasDevice, readTelemetryStream } from '../../helpers/compat-device-hub';
import { apiOf, mqttsUrlOf, sleep } from '../../helpers/durability';
import { type HubProcess, startHubProcess } from '../../helpers/hub-process';
import { connectDevice, deviceToken } from '../../helpers/mqtt-device';

const dirs: string[] = [];
const procs: HubProcess[] = [];
afterAll(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) await p.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const DEVICE = 'tele-k9';
const WINDOW = 16;

describe('telemetry durability across kill -9', () => {
  it('keeps every message that got a PUBACK', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-tele-k9-'));
    dirs.push(dataDir);
    let current = await startHubProcess(dataDir);
    procs.push(current);
    const api = await apiOf(dataDir, () => current);
    const key = await createSasDevice(api, DEVICE);
    const device = await connectDevice({
      url: await mqttsUrlOf(current),
      ca: api.ca,
      deviceId: DEVICE,
      token: deviceToken({ host: 'localhost', deviceId: DEVICE, key }),
    });

    // mqtt.js keeps unacknowledged QoS 1 publishes for a reconnect that never comes: when the
    // connection is gone, a publish still waiting for its PUBACK counts as failed.
    const gone = device.closed.then(() => {
      throw new Error('connection closed');
    });
    gone.catch(() => undefined);
    const acked = new Set<number>();
    const pending = new Set<number>();
    let failed = 0;
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const seq = ++next;
        pending.add(seq);
        try {
          await Promise.race([
            device.client.publishAsync(
              `devices/${DEVICE}/messages/events/seq=${seq}`,
              JSON.stringify({ seq, pad: 'x'.repeat(200) }),
              { qos: 1 },
            ),
            gone,
          ]);
          acked.add(seq);
        } catch {
          failed++;
          return; // the connection is gone
        } finally {
          pending.delete(seq);
        }
      }
    };
    const workers = Array.from({ length: WINDOW }, worker);
    // Mid-stream: well after the start, with publishes still waiting for their PUBACK.
    const target = 300 + Math.floor(Math.random() * 1_200);
    const started = Date.now();
    while (acked.size < target && Date.now() - started < 15_000) await sleep(5);
    const inFlightAtKill = pending.size;
    expect(await current.kill('SIGKILL')).toBeNull();
    stop = true;
    device.client.end(true);
    await Promise.all(workers);
    expect(acked.size).toBeGreaterThanOrEqual(100);
    expect(inFlightAtKill).toBeGreaterThan(0);
    console.log(
      `kill -9 after ${acked.size} PUBACKs, ${inFlightAtKill} publishes in flight, ${failed} failed`,
    );

    current = await startHubProcess(dataDir);
    procs.push(current);
    const ackedMax = Math.max(...acked);
    const events = await readTelemetryStream(
      api,
      `deviceId=${DEVICE}&from=1`,
      (seen) => seen.some((e) => Number(e.properties.seq) >= ackedMax) && seen.length >= acked.size,
      20_000,
    );
    const streamed = events.map((e) => Number(e.properties.seq));
    const streamedSet = new Set(streamed);
    const missing = [...acked].filter((seq) => !streamedSet.has(seq));
    expect(missing, 'acknowledged but missing from the stream').toEqual([]);
    // Each seq was published once (no re-send), so the outbox holds it at most once, intact.
    expect(streamed.length).toBe(streamedSet.size);
    for (const e of events) {
      expect(e.deviceId).toBe(DEVICE);
      expect(JSON.parse(e.body).seq).toBe(Number(e.properties.seq));
    }
    // Seqs of the outbox keep increasing across the crash.
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // The files themselves, once the hub has stopped: the same messages.
    expect(await current.kill('SIGTERM')).toBe(0);
    const outbox = await openTelemetryOutbox({ dir: path.join(dataDir, 'outbox', 'telemetry') });
    try {
      const records = await outbox.read(0, 1_000_000);
      const onDisk = new Set(
        records.filter((r) => r.deviceId === DEVICE).map((r) => Number(r.properties.seq)),
      );
      expect(
        [...acked].filter((seq) => !onDisk.has(seq)),
        'acknowledged but not on disk',
      ).toEqual([]);
      // The stream stopped reading once it had every acknowledged seq; the disk may hold a few more
      // (durable, but the PUBACK died with the process), never fewer.
      expect([...streamedSet].filter((seq) => !onDisk.has(seq))).toEqual([]);
      expect(records.filter((r) => r.deviceId === DEVICE).length).toBe(onDisk.size);
      console.log(`on disk: ${onDisk.size}, of which ${onDisk.size - acked.size} were never acknowledged`);
    } finally {
      await outbox.close();
    }
  }, 90_000);
});
