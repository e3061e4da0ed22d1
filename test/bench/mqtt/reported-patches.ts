/** Durable reported-patch round trips (PATCH → 204) vs a bare-aedes request/response echo with the same window. */
import type { DeviceConnection } from '../../../edge-runtime/src/simulator/device-connection';
import { round, runPool, type Summary, summarize } from '../stats';
import {
  benchDeviceId,
  connectDevice,
  createReplyTable,
  disconnectAll,
  measured,
  type RunCost,
  ridOf,
  type Target,
} from './devices';

/** How the reported-patch measure runs. */
export interface ReportedPatchOptions {
  devices: number;
  /** Requests in flight per device. */
  windowPerDevice: number;
  /** Measured round trips per device. */
  patchesPerDevice: number;
  warmupPerDevice: number;
  firstDevice: number;
}

/** One run against one target. */
export interface ReportedPatchRun {
  roundTrips: number;
  /** Requests that were answered with anything but 204, or not at all. */
  errors: number;
  roundTripsPerSec: number;
  latencyMs: Summary;
  brokerCpuUsPerRoundTrip: number;
  /** What one fully used core would sustain at this broker CPU cost (bare: the broker only, not the responder). */
  brokerCoreBoundPerSec: number;
  cost: RunCost;
  /** What the round trip is on this target. */
  shape: string;
}

/** The topics of one target: the hub's twin topics, or per-device echo topics on bare aedes. */
interface PatchTopics {
  request(deviceId: string, rid: string): string;
  replyFilter(deviceId: string): string;
}

const HUB_TOPICS: PatchTopics = {
  request: (_d, rid) => `$iothub/twin/PATCH/properties/reported/?$rid=${rid}`,
  replyFilter: () => '$iothub/twin/res/#',
};

// Bare aedes fans out by topic, so the device id goes into the topic (the hub scopes by connection).
const BARE_TOPICS: PatchTopics = {
  request: (d, rid) => `bench/${d}/twin/PATCH/properties/reported/?$rid=${rid}`,
  replyFilter: (d) => `bench/${d}/twin/res/#`,
};

/** A patch of a few reported readings (~130 bytes of JSON). */
export function reportedPatch(seq: number): string {
  return JSON.stringify({
    temperatureC: round(18 + (seq % 100) / 10, 1),
    humidityPct: 30 + (seq % 40),
    batteryPct: 90 - (seq % 50),
    status: 'online',
    seq,
    lastReportAt: new Date().toISOString(),
  });
}

/** On bare aedes: a responder client answering every request with a 204 and a `$version`, as the hub would. */
async function startEchoResponder(target: Target): Promise<DeviceConnection> {
  let version = 0;
  const holder: { responder?: DeviceConnection } = {};
  holder.responder = await connectDevice(target, 'mqtt-bench-patch-responder', (topic) => {
    const deviceId = topic.split('/')[1];
    const rid = ridOf(topic);
    void holder.responder
      ?.publish(`bench/${deviceId}/twin/res/204/?$rid=${rid}&$version=${++version}`, '', 0)
      .catch(() => undefined);
  });
  await holder.responder.subscribe('bench/+/twin/PATCH/#', 0);
  return holder.responder;
}

/** Runs `patchesPerDevice` round trips on each of `devices` devices with `windowPerDevice` in flight each. */
export async function runReportedPatches(
  target: Target,
  options: ReportedPatchOptions,
): Promise<ReportedPatchRun> {
  const isHub = target.broker.name === 'hub';
  const topics = isHub ? HUB_TOPICS : BARE_TOPICS;
  const replies = createReplyTable();
  const responder = isHub ? undefined : await startEchoResponder(target);
  const ids = Array.from({ length: options.devices }, (_, i) => benchDeviceId(options.firstDevice + i));
  const connections = await Promise.all(
    ids.map((id) => connectDevice(target, id, (topic, payload) => replies.settle(topic, payload))),
  );
  let nextRid = 0;
  let errors = 0;
  const latencies: number[] = [];
  const patchAll = (perDevice: number, record: boolean) =>
    Promise.all(
      connections.map(async (c, d) => {
        await runPool(perDevice, options.windowPerDevice, async (seq) => {
          const rid = (nextRid++).toString(36);
          const started = performance.now();
          const reply = replies.wait(rid);
          try {
            await c.publish(topics.request(ids[d]!, rid), reportedPatch(seq), 0);
            const { topic } = await reply;
            if (!/\/res\/204\//.test(topic)) errors++;
          } catch {
            errors++;
            return;
          }
          if (record) latencies.push(performance.now() - started);
        });
      }),
    );
  try {
    await Promise.all(connections.map((c, d) => c.subscribe(topics.replyFilter(ids[d]!), 0)));
    await patchAll(options.warmupPerDevice, false);
    errors = 0;
    const { cost } = await measured(target, 'patches', () => patchAll(options.patchesPerDevice, true));
    const roundTrips = options.devices * options.patchesPerDevice;
    return {
      roundTrips,
      errors,
      roundTripsPerSec: round(latencies.length / (cost.wallMs / 1000), 0),
      latencyMs: summarize(latencies),
      brokerCpuUsPerRoundTrip: round((cost.brokerCpuMs * 1000) / roundTrips, 1),
      brokerCoreBoundPerSec: round((roundTrips * 1000) / Math.max(1, cost.brokerCpuMs), 0),
      cost,
      shape: isHub
        ? 'device PATCH $iothub/twin/PATCH/properties/reported → hub applies + journals the merge patch → 204 $version'
        : 'device publish → broker → responder client → broker → device (QoS 0 both ways)',
    };
  } finally {
    await disconnectAll(connections);
    await responder?.disconnect();
  }
}
