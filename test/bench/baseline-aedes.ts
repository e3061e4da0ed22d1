import net, { type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { msSince, percentile, progress, round } from './stats';

/** A bare aedes broker on a plain TCP loopback socket (no TLS, no auth, no hub). */
export interface BareAedes {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts a bare aedes broker listening on 127.0.0.1 with an ephemeral port. */
export async function startBareAedes(): Promise<BareAedes> {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Publishes `messages` QoS 1 messages keeping `window` un-acked; resolves with PUBACKs per second. */
export async function publishQos1Window(
  client: MqttClient,
  options: { topic: string; messages: number; window: number; payload: Buffer },
): Promise<number> {
  const { topic, messages, window, payload } = options;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    let failed = false;
    const sendOne = (): void => {
      sent++;
      client.publish(topic, payload, { qos: 1 }, (err) => {
        if (failed) return;
        if (err) {
          failed = true;
          reject(err);
          return;
        }
        acked++;
        if (acked === messages) resolve();
        else if (sent < messages) sendOne();
      });
    };
    for (let i = 0; i < Math.min(window, messages); i++) sendOne();
  });
  return messages / (msSince(started) / 1000);
}

/** Options of the bare-aedes baseline. */
export interface BaselineOptions {
  /** Messages per measured run (default 50,000). */
  messages?: number;
  /** QoS 1 publishes in flight (default 64). */
  window?: number;
  /** Payload bytes (default 256). */
  payloadBytes?: number;
  /** Measured runs; the median is the baseline (default 3). */
  runs?: number;
  /** Messages published before measuring, to warm the JIT and socket (default 5,000). */
  warmup?: number;
}

/** The baseline every throughput figure is divided by, with how it was measured. */
export interface AedesBaseline {
  name: 'bareAedesQos1PublishRoundTripsPerSec';
  /** The median of every run (start and end of the bench). */
  value: number;
  unit: 'msg/s';
  runsAtStart: number[];
  runsAtEnd: number[];
  messages: number;
  window: number;
  payloadBytes: number;
  transport: string;
}

/** Measures bare aedes QoS 1 publish round trips/s (msg/s per run): one mqtt client, a window of PUBLISH/PUBACK in flight. */
export async function measureBareAedes(options: BaselineOptions = {}): Promise<number[]> {
  const messages = options.messages ?? 50_000;
  const window = options.window ?? 64;
  const runs = options.runs ?? 3;
  const payload = Buffer.alloc(options.payloadBytes ?? 256, 0x61);
  const broker = await startBareAedes();
  const client = await connectAsync(broker.url, {
    protocolVersion: 4,
    clientId: 'bench-baseline',
    clean: true,
    reconnectPeriod: 0,
  });
  const rates: number[] = [];
  try {
    const topic = 'bench/baseline';
    await publishQos1Window(client, { topic, messages: options.warmup ?? 5_000, window, payload });
    for (let i = 0; i < runs; i++) {
      const rate = await publishQos1Window(client, { topic, messages, window, payload });
      rates.push(round(rate, 0));
      progress(`baseline run ${i + 1}/${runs}: ${Math.round(rate)} PUBACK/s`);
    }
  } finally {
    await client.endAsync();
    await broker.close();
  }
  return rates;
}

/** Builds the baseline record from runs measured at the start and at the end of a bench. */
export function aedesBaseline(
  runsAtStart: number[],
  runsAtEnd: number[],
  options: BaselineOptions = {},
): AedesBaseline {
  const all = [...runsAtStart, ...runsAtEnd].sort((a, b) => a - b);
  return {
    name: 'bareAedesQos1PublishRoundTripsPerSec',
    value: round(percentile(all, 50), 0),
    unit: 'msg/s',
    runsAtStart,
    runsAtEnd,
    messages: options.messages ?? 50_000,
    window: options.window ?? 64,
    payloadBytes: options.payloadBytes ?? 256,
    transport: 'aedes 1.x over plain TCP loopback, mqtt.js 5 client, MQTT 3.1.1; median of all runs',
  };
}
