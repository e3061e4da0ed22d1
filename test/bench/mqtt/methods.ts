/** Direct-method round trips: HTTPS `POST /twins/{id}/methods` to a device answering at once, vs a bare-aedes request/response. */
import https from 'node:https';
import { createSasToken } from '@outpost/core';
import type { DeviceConnection } from '../../../edge-runtime/src/simulator/device-connection';
import { OWNER_KEY } from '../../helpers/test-hub';
import { round, runPool, type Summary, summarize } from '../stats';
import { HTTPS_ECHO_DEVICE } from './bare-aedes';
import {
  benchDeviceId,
  connectDevice,
  createReplyTable,
  measured,
  type RunCost,
  ridOf,
  type Target,
} from './devices';

/** One phase: `calls` measured calls with `concurrency` in flight, after `warmup`. */
export interface MethodPhase {
  concurrency: number;
  calls: number;
  warmup: number;
}

/** How the method measure runs. */
export interface MethodOptions {
  phases: MethodPhase[];
  /** The fleet index of the device that answers. */
  device: number;
  /** The fleet index of a provisioned device that stays offline (the HTTPS floor). */
  offlineDevice: number;
}

/** The result of one phase. */
export interface MethodPhaseRun {
  concurrency: number;
  calls: number;
  errors: number;
  callsPerSec: number;
  latencyMs: Summary;
  brokerCpuUsPerCall: number;
  cost: RunCost;
}

/** One run against one target. */
export interface MethodRun {
  shape: string;
  phases: MethodPhaseRun[];
  /** Hub only: the same HTTPS call to an offline device (404 at once), sequential: the HTTP side without the MQTT leg. */
  httpsOfflineDeviceFloor?: MethodPhaseRun;
  /** Bare only: the hub's HTTPS calls, through the bare HTTPS → aedes relay (bare-aedes.ts) to the same kind of device. */
  httpsRelay?: { shape: string; phases: MethodPhaseRun[] };
  /** Bare only: the same HTTPS calls answered at once by the relay server, with no MQTT leg. */
  httpsEcho?: { shape: string; phases: MethodPhaseRun[] };
}

/** The method payload (~110 bytes of JSON); the device echoes it. */
export function methodPayload(seq: number): Record<string, unknown> {
  return { command: 'setMode', mode: 'eco', durationS: 3600, requestedBy: 'ops-console', seq };
}

/** A call: resolves when the answer is in, throws when it is not a 200. */
type Caller = (seq: number) => Promise<void>;

/** Answers every method request at once with 200 and the request body. */
async function startAnsweringDevice(
  target: Target,
  deviceId: string,
  requestFilter: string,
  responseTopic: (rid: string) => string,
): Promise<DeviceConnection> {
  const holder: { device?: DeviceConnection } = {};
  holder.device = await connectDevice(target, deviceId, (topic, payload) => {
    const rid = ridOf(topic);
    if (rid !== undefined) void holder.device?.publish(responseTopic(rid), payload, 0).catch(() => undefined);
  });
  await holder.device.subscribe(requestFilter, 0);
  return holder.device;
}

/** HTTPS calls through a keep-alive agent, signed as iothubowner, to the hub (or `base`); `expect` is the HTTP status wanted. */
function hubCaller(target: Target, concurrency: number, base = target.broker.info.https) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, ca: target.ca });
  const authorization = createSasToken({
    resourceUri: 'localhost',
    key: OWNER_KEY,
    policyName: 'iothubowner',
    expiresAt: Math.ceil(Date.now() / 1000) + 3600,
  });
  const callDevice = (deviceId: string, expect: number): Caller => {
    const url = `${base}/twins/${encodeURIComponent(deviceId)}/methods?api-version=2021-04-12`;
    return (seq) =>
      new Promise<void>((resolve, reject) => {
        const body = Buffer.from(
          JSON.stringify({ methodName: 'echo', payload: methodPayload(seq), responseTimeoutInSeconds: 30 }),
        );
        const req = https.request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              authorization,
              'content-type': 'application/json; charset=utf-8',
              'content-length': String(body.length),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              const answer = (expect === 200 ? JSON.parse(text || 'null') : null) as {
                status?: number;
              } | null;
              if (res.statusCode === expect && (expect !== 200 || answer?.status === 200)) resolve();
              else reject(new Error(`HTTP ${res.statusCode} ${text.slice(0, 200)}`));
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
  };
  return { callDevice, close: () => agent.destroy() };
}

/** Bare aedes: a requester client publishes the payload and waits for the responder's reply. */
async function bareCaller(target: Target) {
  const replies = createReplyTable();
  const requester = await connectDevice(target, 'mqtt-bench-method-requester', (topic, payload) =>
    replies.settle(topic, payload),
  );
  await requester.subscribe('bench/methods/res/#', 0);
  let nextRid = 0;
  const call: Caller = async (seq) => {
    const rid = (nextRid++).toString(36);
    const reply = replies.wait(rid);
    await requester.publish(`bench/methods/POST/echo/?$rid=${rid}`, JSON.stringify(methodPayload(seq)), 0);
    const { topic } = await reply;
    if (!topic.startsWith('bench/methods/res/200/')) throw new Error(`answer ${topic}`);
  };
  return { call, close: () => requester.disconnect() };
}

/** Runs every phase against `target`. */
export async function runMethods(target: Target, options: MethodOptions): Promise<MethodRun> {
  const isHub = target.broker.name === 'hub';
  const deviceId = benchDeviceId(options.device);
  const device = isHub
    ? await startAnsweringDevice(
        target,
        deviceId,
        '$iothub/methods/POST/#',
        (rid) => `$iothub/methods/res/200/?$rid=${rid}`,
      )
    : await startAnsweringDevice(
        target,
        deviceId,
        'bench/methods/POST/#',
        (rid) => `bench/methods/res/200/?$rid=${rid}`,
      );
  const maxConcurrency = Math.max(...options.phases.map((p) => p.concurrency));
  const hub = isHub ? hubCaller(target, maxConcurrency) : undefined;
  const caller = hub ? { call: hub.callDevice(deviceId, 200), close: hub.close } : await bareCaller(target);
  const phases: MethodPhaseRun[] = [];
  let offlineFloor: MethodPhaseRun | undefined;
  let relayPhases: MethodPhaseRun[] | undefined;
  let echoPhases: MethodPhaseRun[] | undefined;
  let callerOpen = true;
  try {
    if (hub) {
      // The HTTPS side alone: the same request to a provisioned device that is not connected is
      // answered 404 at once (device-protocol.md §1 item 9), so no MQTT leg is in it.
      const offline = hub.callDevice(benchDeviceId(options.offlineDevice), 404);
      const latencies: number[] = [];
      let errors = 0;
      const calls = options.phases[0]?.calls ?? 500;
      await runPool(Math.min(100, calls), 1, (seq) => offline(seq).catch(() => undefined));
      const { cost } = await measured(target, 'methods-offline', () =>
        runPool(calls, 1, async (seq) => {
          const started = performance.now();
          try {
            await offline(seq);
            latencies.push(performance.now() - started);
          } catch {
            errors++;
          }
        }),
      );
      offlineFloor = {
        concurrency: 1,
        calls,
        errors,
        callsPerSec: round(latencies.length / (cost.wallMs / 1000), 0),
        latencyMs: summarize(latencies, 3),
        brokerCpuUsPerCall: round((cost.brokerCpuMs * 1000) / calls, 1),
        cost,
      };
    }
    phases.push(...(await runPhases(target, options.phases, caller.call, 'methods')));
    // The requester goes first: subscribed to the answers, it would be sent every relay answer too.
    callerOpen = false;
    await caller.close();
    if (!isHub && target.broker.info.https) {
      const relay = hubCaller(target, maxConcurrency, target.broker.info.https);
      try {
        echoPhases = await runPhases(
          target,
          options.phases,
          relay.callDevice(HTTPS_ECHO_DEVICE, 200),
          'https-echo',
        );
        relayPhases = await runPhases(
          target,
          options.phases,
          relay.callDevice(deviceId, 200),
          'relay-methods',
        );
      } finally {
        relay.close();
      }
    }
  } finally {
    if (callerOpen) await caller.close();
    await device.disconnect();
  }
  return {
    shape: isHub
      ? 'HTTPS POST /twins/{id}/methods (keep-alive) → hub → device (QoS 0) → $iothub/methods/res/200 → HTTP 200'
      : 'requester client → broker → responder client → broker → requester client (QoS 0 both ways)',
    phases,
    ...(offlineFloor ? { httpsOfflineDeviceFloor: offlineFloor } : {}),
    ...(relayPhases
      ? {
          httpsRelay: {
            shape:
              'HTTPS POST /twins/{id}/methods (keep-alive) → bare relay → aedes → device (QoS 0) → relay → HTTP 200',
            phases: relayPhases,
          },
        }
      : {}),
    ...(echoPhases
      ? {
          httpsEcho: {
            shape:
              'HTTPS POST /twins/{id}/methods (keep-alive) → the same bare server answers at once → HTTP 200',
            phases: echoPhases,
          },
        }
      : {}),
  };
}

/** Runs `phases` of calls through `call` (a warmup, then the measured calls), profiled as `label`. */
async function runPhases(
  target: Target,
  phases: MethodPhase[],
  call: Caller,
  label: string,
): Promise<MethodPhaseRun[]> {
  const out: MethodPhaseRun[] = [];
  for (const phase of phases) {
    let errors = 0;
    const latencies: number[] = [];
    const runCalls = (count: number, record: boolean) =>
      runPool(count, phase.concurrency, async (seq) => {
        const started = performance.now();
        try {
          await call(seq);
        } catch {
          errors++;
          return;
        }
        if (record) latencies.push(performance.now() - started);
      });
    await runCalls(phase.warmup, false);
    errors = 0;
    const { cost } = await measured(target, `${label}-c${phase.concurrency}`, () =>
      runCalls(phase.calls, true),
    );
    out.push({
      concurrency: phase.concurrency,
      calls: phase.calls,
      errors,
      callsPerSec: round(latencies.length / (cost.wallMs / 1000), 0),
      latencyMs: summarize(latencies, 3),
      brokerCpuUsPerCall: round((cost.brokerCpuMs * 1000) / phase.calls, 1),
      cost,
    });
  }
  return out;
}
