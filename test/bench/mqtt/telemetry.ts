/** Telemetry QoS 1 throughput: N devices, each keeping a window of ~200-byte JSON PUBLISHes un-acked. */
import { randomUUID } from 'node:crypto';
import { telemetryTopic } from '../../../edge-runtime/src/simulator/device-topics';
import { round, runPool, type Summary, summarize } from '../stats';
import { benchDeviceId, connectDevice, disconnectAll, measured, type RunCost, type Target } from './devices';

/** How the telemetry measure runs. */
export interface TelemetryOptions {
  devices: number;
  /** QoS 1 PUBLISHes in flight per device. */
  window: number;
  /** Measured messages per device. */
  messagesPerDevice: number;
  /** Unmeasured messages per device first (JIT, sockets, outbox files). */
  warmupPerDevice: number;
  /** The fleet index of the first device used. */
  firstDevice: number;
}

/** One run of the telemetry measure against one target. */
export interface TelemetryRun {
  messages: number;
  /** PUBACKs per second over the measured phase. */
  msgsPerSec: number;
  /** PUBLISH → PUBACK, ms (includes waiting in the window). */
  ackLatencyMs: Summary;
  /** Broker CPU time per message, µs (the broker's cost independent of the client's). */
  brokerCpuUsPerMsg: number;
  /** 1 s / brokerCpuUsPerMsg: what one fully used core would sustain at this cost (client-independent). */
  brokerCoreBoundMsgsPerSec: number;
  cost: RunCost;
  bodyBytes: number;
  topicBytes: number;
  /** Hub only: messages per outbox batch (one write + one fdatasync each) in the measured phase. */
  outboxMessagesPerFsync?: number;
}

/** A ~200-byte JSON reading, as a sensor app would send it. */
export function telemetryBody(deviceId: string, seq: number): string {
  return JSON.stringify({
    deviceId,
    seq,
    temperature: round(20 + (seq % 50) / 10, 1),
    humidity: 40 + (seq % 20),
    battery: 87.5,
    status: 'ok',
    firmware: '2.4.1',
    location: { site: 'site-7', floor: 3 },
    timestamp: new Date().toISOString(),
  });
}

/** The topic of one message: `$.mid`, `$.ct`, `$.ce` and two app properties, as the SDK encodes them. */
export function telemetryMessageTopic(deviceId: string, seq: number): string {
  return telemetryTopic(
    deviceId,
    { messageId: randomUUID(), contentType: 'application/json', contentEncoding: 'utf-8' },
    { temperatureAlert: String(seq % 100 === 0), source: 'bench' },
  );
}

/** Connects the devices, warms up, then measures `messagesPerDevice` QoS 1 publishes per device. */
export async function runTelemetry(target: Target, options: TelemetryOptions): Promise<TelemetryRun> {
  const ids = Array.from({ length: options.devices }, (_, i) => benchDeviceId(options.firstDevice + i));
  const connections = await Promise.all(ids.map((id) => connectDevice(target, id)));
  const latencies: number[] = [];
  const publishAll = (perDevice: number, record: boolean) =>
    Promise.all(
      connections.map((c, d) =>
        runPool(perDevice, options.window, async (seq) => {
          const id = ids[d]!;
          const started = performance.now();
          await c.publish(telemetryMessageTopic(id, seq), telemetryBody(id, seq), 1);
          if (record) latencies.push(performance.now() - started);
        }),
      ),
    );
  try {
    await publishAll(options.warmupPerDevice, false);
    const { cost, before, after } = await measured(target, 'telemetry', () =>
      publishAll(options.messagesPerDevice, true),
    );
    const messages = options.devices * options.messagesPerDevice;
    const fsyncs = (after.outbox?.batches ?? 0) - (before.outbox?.batches ?? 0);
    return {
      messages,
      msgsPerSec: round(messages / (cost.wallMs / 1000), 0),
      ackLatencyMs: summarize(latencies),
      brokerCpuUsPerMsg: round((cost.brokerCpuMs * 1000) / messages, 1),
      brokerCoreBoundMsgsPerSec: round((messages * 1000) / Math.max(1, cost.brokerCpuMs), 0),
      cost,
      bodyBytes: telemetryBody(ids[0]!, 1234).length,
      topicBytes: telemetryMessageTopic(ids[0]!, 1234).length,
      ...(fsyncs > 0 ? { outboxMessagesPerFsync: round(messages / fsyncs, 1) } : {}),
    };
  } finally {
    await disconnectAll(connections);
  }
}
