import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fdLimits, rerunWithLimit } from '../fd-limit';
import { describeMachine, describeRunLoad } from '../machine';
import { publishReport, runBench } from '../report';
import { msSince, progress, round } from '../stats';
import { type BrokerChild, spawnBrokerChild } from './children';
import { type ConnectStormRun, runConnectStorm } from './connect-storm';
import { DEVICE_PREFIX, type Target, type Transport, targetOf } from './devices';
import { best, check, ratio, stallNote, type TargetCheck } from './judge';
import { type MethodPhase, type MethodRun, runMethods } from './methods';
import { describeMethodRun, summarizeMethods } from './methods-report';
import { type ReportedPatchRun, runReportedPatches } from './reported-patches';
import { runTelemetry, type TelemetryRun } from './telemetry';

/** The measures `--only` can pick. */
export const MQTT_SUITES = ['telemetry', 'patches', 'methods', 'storm'] as const;
/** A measure name. */
export type MqttSuite = (typeof MQTT_SUITES)[number];

const RESULT_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'results',
  'latest-mqtt.json',
);
const RAISED_ENV = 'OUTPOST_BENCH_MQTT_ULIMIT_RAISED';

/** Command-line options. */
export interface MqttBenchArgs {
  suites: MqttSuite[];
  /** Devices in the connect storm (and at least 10,000 twins are provisioned). */
  stormCount: number;
  /** Scales every message count (quick runs while developing). */
  scale: number;
  /** Run the storm over plain TCP too (default; `--skip-storm-tcp` turns it off). */
  stormTcp: boolean;
  /** Write a CPU profile of the hub child. */
  cpuProf: boolean;
  /** Diagnostic: both brokers' servers disable Nagle. */
  serverNoDelay: boolean;
  full: boolean;
}

/** Parses `--only a,b`, `--storm-count N`, `--scale F`, `--skip-storm-tcp`, `--cpu-prof`, `--server-nodelay`. */
export function parseMqttBenchArgs(argv: string[]): MqttBenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      'storm-count': { type: 'string' },
      scale: { type: 'string' },
      'skip-storm-tcp': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      'server-nodelay': { type: 'boolean' },
    },
  });
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of only ?? []) {
    if (!MQTT_SUITES.includes(s as MqttSuite))
      throw new Error(`unknown suite ${s}; expected ${MQTT_SUITES.join(', ')}`);
  }
  const stormCount = Number(values['storm-count'] ?? 10_000);
  const scale = Number(values.scale ?? 1);
  if (!Number.isInteger(stormCount) || stormCount < 100)
    throw new Error('--storm-count takes an integer ≥ 100');
  if (!(scale > 0 && scale <= 10)) throw new Error('--scale takes a number in (0, 10]');
  return {
    suites: only ? MQTT_SUITES.filter((s) => only.includes(s)) : [...MQTT_SUITES],
    stormCount,
    scale,
    stormTcp: !values['skip-storm-tcp'],
    cpuProf: values['cpu-prof'] ?? false,
    serverNoDelay: values['server-nodelay'] ?? false,
    full:
      !only &&
      values['storm-count'] === undefined &&
      values.scale === undefined &&
      !values['cpu-prof'] &&
      !values['server-nodelay'] &&
      !values['skip-storm-tcp'],
  };
}

/** Counts scaled by `--scale` (never below `min`). */
function scaled(n: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(n * scale));
}

/** Runs `fn` for bare then hub, `rounds` times (interleaved, so drift hits both alike). */
async function pairRuns<T>(
  label: string,
  targets: { hub: Target; bare: Target },
  rounds: number,
  fn: (t: Target) => Promise<T>,
  describe: (r: T) => string,
): Promise<{ hub: T[]; bare: T[] }> {
  const out = { hub: [] as T[], bare: [] as T[] };
  for (let r = 0; r < rounds; r++) {
    for (const name of ['bare', 'hub'] as const) {
      const t = targets[name];
      const result = await fn(t);
      out[name].push(result);
      progress(`  ${label} ${t.transport} ${name} (round ${r + 1}/${rounds}): ${describe(result)}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseMqttBenchArgs(process.argv.slice(2));
  const limits = fdLimits();
  // Each process holds one socket per connection, plus listeners, files and the IPC channel.
  const fdNeeded = args.stormCount + 1024;
  if (limits.soft < fdNeeded && !process.env[RAISED_ENV]) {
    const wanted = Math.min(65_536, limits.hard);
    if (wanted >= fdNeeded) {
      progress(`ulimit -n is ${limits.soft}; re-running under ulimit -n ${wanted}`);
      process.exitCode = await rerunWithLimit(wanted, RAISED_ENV);
      return;
    }
    progress(`ulimit -n is ${limits.soft} (hard ${limits.hard}), below the ${fdNeeded} the storm needs`);
  }

  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  progress(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB, node ${machine.node}, load ${machine.loadAverage.join(' ')}, ulimit -n ${limits.soft}`,
  );
  const profileDir = args.cpuProf
    ? await mkdtemp(path.join(os.tmpdir(), 'outpost-bench-mqtt-profiles-'))
    : undefined;
  const s = args.scale;
  const options = {
    twins: Math.max(10_000, args.stormCount),
    telemetry: {
      devices: 10,
      window: 32,
      messagesPerDevice: scaled(4_000, s, 50),
      warmupPerDevice: scaled(400, s, 10),
      firstDevice: 0,
      rounds: 3,
    },
    patches: {
      devices: 50,
      windowPerDevice: 2,
      patchesPerDevice: scaled(300, s, 10),
      warmupPerDevice: scaled(30, s, 2),
      firstDevice: 10,
      rounds: 2,
    },
    methods: {
      device: 60,
      offlineDevice: 61,
      phases: [
        { concurrency: 1, calls: scaled(1_000, s, 20), warmup: scaled(100, s, 5) },
        { concurrency: 16, calls: scaled(4_000, s, 50), warmup: scaled(200, s, 10) },
      ] satisfies MethodPhase[],
      rounds: 2,
    },
    storm: {
      count: args.stormCount,
      concurrency: 100,
      keepaliveSeconds: 3_600,
      firstDevice: 0,
      maxDialMs: 60_000,
    },
    /** The TCP storms are skipped when the run has taken longer than this before them. */
    stormTcpBudgetMs: 180_000,
  };

  progress('starting the hub child (startEdgeRuntime, durable store, PKI)');
  const hub = await spawnBrokerChild('hub', ['hub'], {
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    serverNoDelay: args.serverNoDelay,
  });
  let bare: BrokerChild | undefined;
  const measures: Record<string, unknown> = {};
  const checks: TargetCheck[] = [];
  let provisioning: Record<string, unknown> = {};
  let hubMemory: Record<string, number> = {};
  try {
    const ca = await readFile(hub.info.caPem, 'utf8');
    progress(`hub up in ${hub.info.startMs} ms: ${hub.info.mqtts} ${hub.info.mqtt} ${hub.info.https}`);
    bare = await spawnBrokerChild('bare', ['bare', hub.info.tlsDir], {
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
      serverNoDelay: args.serverNoDelay,
    });
    progress(`bare aedes up: ${bare.info.mqtts} ${bare.info.mqtt} (the hub's server certificate)`);
    const targets = (transport: Transport) => ({
      hub: targetOf(hub, transport, ca),
      bare: targetOf(bare!, transport, ca),
    });

    progress(
      `provisioning ${options.twins} devices in the hub (hub.bulk in the hub process, 100 per request)`,
    );
    const idle = hub.memory();
    const { ms } = await hub.call<{ ms: number }>('provision', {
      prefix: DEVICE_PREFIX,
      count: options.twins,
    });
    provisioning = {
      devices: options.twins,
      ms,
      devicesPerSec: round(options.twins / (ms / 1000), 0),
      how: 'hub.bulk inside the hub child (tags + desired ~600 B of JSON per twin, SAS keys)',
    };
    const afterProvision = hub.memory().rssMiB;
    const retained = await hub.stats({ gc: true });
    hubMemory = {
      idleRssMiB: idle.rssMiB,
      afterProvisionRssMiB: afterProvision,
      afterProvisionHeapRetainedMiB: Math.round(retained.memory.heapUsed / 2 ** 20),
    };
    progress(
      `  provisioned in ${ms} ms; hub RSS ${idle.rssMiB} → ${afterProvision} MiB, heap retained ${hubMemory.afterProvisionHeapRetainedMiB} MiB`,
    );

    if (args.suites.includes('telemetry')) {
      progress('telemetry QoS 1 throughput');
      const out: Record<string, unknown> = { options: options.telemetry };
      for (const transport of ['tls', 'tcp'] as const) {
        const runs = await pairRuns<TelemetryRun>(
          'telemetry',
          targets(transport),
          options.telemetry.rounds,
          (t) => runTelemetry(t, options.telemetry),
          (r) =>
            `${r.msgsPerSec} msg/s, broker ${r.brokerCpuUsPerMsg} µs CPU/msg, p99 ${r.ackLatencyMs.p99} ms`,
        );
        const h = best(runs.hub, (r) => r.msgsPerSec);
        const b = best(runs.bare, (r) => r.msgsPerSec);
        out[transport] = {
          hub: h,
          bare: b,
          ratioHubToBare: {
            msgsPerSec: ratio(h.msgsPerSec, b.msgsPerSec),
            brokerCpuPerMsg: ratio(h.brokerCpuUsPerMsg, b.brokerCpuUsPerMsg),
          },
          allRuns: { hub: runs.hub.map((r) => r.msgsPerSec), bare: runs.bare.map((r) => r.msgsPerSec) },
        };
        if (transport === 'tls') {
          checks.push(
            check(
              'telemetry.tls.hubToBareThroughput',
              'telemetry QoS 1 msgs/s acked, hub (durable outbox before PUBACK) / bare aedes, over TLS',
              h.msgsPerSec / b.msgsPerSec,
              'ratio',
              '>=',
              0.7,
            ),
          );
        }
      }
      measures.telemetryQos1 = out;
    }

    if (args.suites.includes('patches')) {
      progress(`reported-patch round trips at ${options.twins} twins`);
      const out: Record<string, unknown> = { options: options.patches, twins: options.twins };
      for (const transport of ['tls', 'tcp'] as const) {
        const runs = await pairRuns<ReportedPatchRun>(
          'patches',
          targets(transport),
          options.patches.rounds,
          (t) => runReportedPatches(t, options.patches),
          (r) =>
            `${r.roundTripsPerSec}/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, errors ${r.errors}, broker ${r.brokerCpuUsPerRoundTrip} µs CPU each${stallNote(r.cost)}`,
        );
        const h = best(runs.hub, (r) => r.roundTripsPerSec);
        const b = best(runs.bare, (r) => r.roundTripsPerSec);
        out[transport] = {
          hub: h,
          bare: b,
          ratioHubToBare: {
            roundTripsPerSec: ratio(h.roundTripsPerSec, b.roundTripsPerSec),
            p50: ratio(h.latencyMs.p50, b.latencyMs.p50),
            p99: ratio(h.latencyMs.p99, b.latencyMs.p99),
          },
          allRuns: {
            hub: runs.hub.map((r) => ({ perSec: r.roundTripsPerSec, p99: r.latencyMs.p99 })),
            bare: runs.bare.map((r) => ({ perSec: r.roundTripsPerSec, p99: r.latencyMs.p99 })),
          },
        };
        if (transport === 'tls') {
          checks.push(
            check(
              'patches.tls.hubRoundTripsPerSec',
              `durable reported PATCH → 204 round trips/s at ${options.twins} twins, over TLS`,
              h.roundTripsPerSec,
              'round trips/s',
              '>=',
              2_500,
            ),
            check(
              'patches.tls.hubP99Ms',
              'reported PATCH → 204 latency p99, over TLS',
              h.latencyMs.p99,
              'ms',
              '<=',
              100,
            ),
          );
        }
      }
      measures.reportedPatches = out;
    }

    if (args.suites.includes('methods')) {
      progress('direct-method round trips');
      const out: Record<string, unknown> = { options: options.methods };
      for (const transport of ['tls', 'tcp'] as const) {
        const runs = await pairRuns<MethodRun>(
          'methods',
          targets(transport),
          options.methods.rounds,
          (t) => runMethods(t, options.methods),
          describeMethodRun,
        );
        const summary = summarizeMethods(runs);
        out[transport] = summary.report;
        if (transport === 'tls') checks.push(...summary.checks);
      }
      measures.directMethods = out;
    }

    if (args.suites.includes('storm')) {
      progress(`connect storm: ${options.storm.count} devices, ${options.storm.concurrency} in flight`);
      const out: Record<string, unknown> = {
        options: options.storm,
        fdLimit: { soft: limits.soft, hard: limits.hard, neededPerProcess: fdNeeded },
      };
      for (const transport of args.stormTcp ? (['tls', 'tcp'] as const) : (['tls'] as const)) {
        if (transport === 'tcp' && msSince(started) > options.stormTcpBudgetMs) {
          out.tcp = { skipped: `the run had taken over ${options.stormTcpBudgetMs / 1000} s already` };
          progress('  storm tcp skipped: time budget');
          continue;
        }
        const runs = await pairRuns<ConnectStormRun>(
          'storm',
          targets(transport),
          1,
          (t) => runConnectStorm(t, options.storm),
          (r) =>
            `${r.connected}/${r.attempted} in ${r.cost.wallMs} ms = ${r.connectsPerSec}/s, broker RSS ${r.brokerRssBeforeMiB} → ${r.brokerRssAfterMiB} MiB (heap retained ${r.brokerHeapRetainedMiB}; after disconnect RSS ${r.brokerRssAfterDisconnectMiB}, heap ${r.brokerHeapRetainedAfterDisconnectMiB}), failed ${r.failed}${r.firstError ? ` (${r.firstError})` : ''}`,
        );
        const h = runs.hub[0]!;
        const b = runs.bare[0]!;
        out[transport] = {
          hub: h,
          bare: b,
          ratioHubToBare: {
            connectsPerSec: ratio(h.connectsPerSec, b.connectsPerSec),
            brokerCpuPerConnect: ratio(h.brokerCpuUsPerConnect, b.brokerCpuUsPerConnect),
            brokerRssAfter: ratio(h.brokerRssAfterMiB, b.brokerRssAfterMiB),
          },
        };
        if (transport === 'tls') {
          checks.push(
            check(
              'storm.tls.hubConnectsPerSec',
              `TLS + SAS connects/s, ${options.storm.count} devices, ${options.storm.concurrency} in flight`,
              h.connectsPerSec,
              'connects/s',
              '>=',
              500,
            ),
            check(
              'storm.tls.hubRssMiB',
              `hub child process VmRSS with ${h.connected} devices connected and ${options.twins} twins`,
              h.brokerRssAfterMiB,
              'MiB',
              '<=',
              600,
            ),
          );
        }
      }
      measures.connectStorm = out;
    }
    hubMemory = { ...hubMemory, atEndRssMiB: hub.memory().rssMiB, peakRssMiB: hub.memory().peakRssMiB };
    measures.hubGatewayStatsAtEnd = (await hub.stats()).gateway;
  } finally {
    progress('stopping the brokers');
    await bare?.close();
    await hub.close();
  }

  const durationMs = Math.round(msSince(started));
  const report = {
    benchmark: 'mqtt',
    startedAt,
    durationMs,
    options: { ...options, suites: args.suites, scale: args.scale, serverNoDelay: args.serverNoDelay },
    machine,
    load: describeRunLoad(cpuAtStart, started),
    fdLimit: { soft: limits.soft, hard: limits.hard, neededPerProcess: fdNeeded },
    setup: {
      hub: 'startEdgeRuntime in a child process: durable lowdb store, durable telemetry outbox (PUBACK after append), SAS auth, MQTT over TLS + plain TCP (mqttPlainPort) on 127.0.0.1',
      bare: 'aedes 1.x in a child process, no auth, default in-memory persistence; TLS listener with the hub server certificate (requestCert like the hub) + plain TCP on 127.0.0.1',
      clients:
        'in this process: the simulator device connection (edge-runtime/src/simulator/device-connection.ts: mqtt.js 5, MQTT 3.1.1, clean=0, SAS password) against both brokers',
      provisioning,
      hubMemory,
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    },
    targets: checks,
    targetsMissed: checks.filter((c) => !c.met).map((c) => c.id),
    notes: [
      'ratioHubToBare = hub figure / bare-aedes figure, same clients, same load, same run, brokers in separate child processes.',
      'Rates are the best of the interleaved rounds (the least disturbed run), method latencies the round with the lowest p50 per phase; allRuns lists every run.',
      'brokerCpu* = CPU time (user + system) of the broker child process per operation; clientCpuMs is this process (all clients, and the bare-aedes responders).',
      'Bare-aedes request/response goes through the broker twice (requester → responder → requester); the hub answers twin PATCHes itself and relays methods from HTTPS.',
      'Targets are judged over TLS (the SDK speaks only TLS); TCP figures are for comparison. Targets are reported, never enforced.',
      'On 2 cores the client process and the broker process each have about one core: a client-bound run understates the broker. brokerCoreBound* = operations / broker CPU second: what one fully used core would sustain, independent of the clients.',
      'cost.brokerGc (pauses seen by perf_hooks) and cost.storeCheckpoints (hub) say what stalled the broker during a phase; tail latencies follow them.',
      'directMethods.*.decomposition: httpsOfflineDeviceP50Ms is the same HTTPS call to a provisioned, offline device (404 at once), so gatewayMqttLegP50Ms = hub p50 minus it.',
      "directMethods.*.bare.httpsRelay: the hub's HTTPS calls through a bare Node HTTPS server that publishes to the device through aedes and answers on its reply (no auth, no validation, no registry), through aedes publish/subscribe. ratioHubToBareHttpsRelay is the hub's own cost; relayToBareMqtt is what HTTP costs against an MQTT requester. httpsEcho: the same server answering the same calls at once, with no MQTT leg: the floor of any HTTPS method API on this machine.",
      'Connect storm: one TLS context is shared by all clients (a device builds its own once); RSS is VmRSS of the broker process from /proc; heap "retained" is after a forced full GC.',
      'Other work on this machine skews every figure: see machine.loadAverage (start) and load.loadAverageAtEnd.',
    ],
    measures,
  };
  await publishReport({ report, resultFile: RESULT_FILE, full: args.full, durationMs });
}

runBench('bench:mqtt', main);
