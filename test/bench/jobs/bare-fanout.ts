/** Baseline: bare aedes fan-out of one request to each device's own topic and one reply each, timed until every reply arrived. */
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import type { BrokerChild } from '../mqtt/children';
import { round } from '../stats';
import { dialDevice, type FleetDevice, ridOf } from './fleet';

/** The payload of every request (the same as the method job's). */
export function fanoutPayload(seq: number): Record<string, unknown> {
  return { command: 'setMode', mode: 'eco', durationS: 3600, requestedBy: 'jobs-bench', seq };
}

/** The request filter a bare-aedes device subscribes to (its own topic, like `$iothub/methods/POST/#`). */
export function bareRequestFilter(deviceId: string): string {
  return `bench/jobs/${deviceId}/methods/POST/#`;
}

/** Subscribes a device to its request topic and answers each request on the reply topic (QoS 0 both ways). */
export async function setupBareDevice(device: FleetDevice): Promise<void> {
  device.client.on('message', (topic, payload) => {
    const rid = ridOf(topic);
    if (rid !== undefined)
      device.client.publish(`bench/jobs/replies/${device.id}/200/?$rid=${rid}`, payload, { qos: 0 });
  });
  await device.client.subscribeAsync(bareRequestFilter(device.id), { qos: 0 });
}

/** One fan-out round. */
export interface BareFanoutRound {
  sent: number;
  replies: number;
  /** First publish → last reply, ms. */
  allRepliesMs: number;
  repliesPerSec: number;
  /** First publish → last publish handed to the socket, ms. */
  publishMs: number;
  brokerCpuMs: number;
}

/** Publishes one request to each device in `deviceIds` from one client and waits for every reply (or `timeoutMs`). */
export async function runBareFanout(
  broker: BrokerChild,
  url: string,
  ca: string,
  deviceIds: readonly string[],
  options: { rounds: number; timeoutMs?: number },
): Promise<BareFanoutRound[]> {
  const publisher = await dialDevice(url, 'jobs-bench-publisher', tls.createSecureContext({ ca }));
  const rounds: BareFanoutRound[] = [];
  try {
    let expected = new Set<string>();
    let onAll: (() => void) | undefined;
    publisher.on('message', (topic) => {
      if (expected.delete(topic.split('/')[3] ?? '') && expected.size === 0) onAll?.();
    });
    await publisher.subscribeAsync('bench/jobs/replies/#', { qos: 0 });
    for (let r = 0; r < options.rounds; r++) {
      expected = new Set(deviceIds);
      const done = new Promise<void>((resolve) => {
        onAll = resolve;
      });
      const before = await broker.stats();
      const started = performance.now();
      for (let i = 0; i < deviceIds.length; i++) {
        const id = deviceIds[i]!;
        publisher.publish(
          `bench/jobs/${id}/methods/POST/bench/?$rid=${r}-${i}`,
          JSON.stringify(fanoutPayload(i)),
          { qos: 0 },
        );
      }
      const publishMs = performance.now() - started;
      await Promise.race([done, sleep(options.timeoutMs ?? 60_000, undefined, { ref: false })]);
      const ms = performance.now() - started;
      const after = await broker.stats();
      const replies = deviceIds.length - expected.size;
      rounds.push({
        sent: deviceIds.length,
        replies,
        allRepliesMs: Math.round(ms),
        repliesPerSec: round(replies / (ms / 1000), 0),
        publishMs: Math.round(publishMs),
        brokerCpuMs: Math.round(
          (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000,
        ),
      });
      await sleep(500);
    }
  } finally {
    await publisher.endAsync().catch(() => undefined);
  }
  return rounds;
}
