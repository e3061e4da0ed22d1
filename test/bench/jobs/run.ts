import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fdLimits, rerunWithLimit } from '../fd-limit';
import { describeMachine, describeRunLoad } from '../machine';
import { type BrokerChild, spawnBrokerChild } from '../mqtt/children';
import { publishReport, runBench } from '../report';
import { msSince, progress, round } from '../stats';
import { type BareFanoutRound, runBareFanout, setupBareDevice } from './bare-fanout';
import { connectFleet, JOBS_DEVICE_PREFIX, jobsDeviceId } from './fleet';
import {
  type BareHttps,
  createRestClient,
  httpPatchBody,
  type LoadRun,
  runLoad,
  spawnBareHttps,
  twinPath,
} from './http-load';
import {
  createDeviceSide,
  hubDeviceSetup,
  IOT_HUB_S3_JOB_OPS_PER_SEC_PER_UNIT,
  type JobRun,
  runJob,
} from './job-fanout';

const RESULT_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'results',
  'latest-jobs.json',
);
const RAISED_ENV = 'OUTPOST_BENCH_JOBS_ULIMIT_RAISED';

/** Command-line options: `--devices N`, `--requests N` (per HTTP kind), `--concurrency N`, `--skip-http`, `--skip-jobs`. */
export function parseJobsBenchArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: 'string' },
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      'skip-http': { type: 'boolean' },
      'skip-jobs': { type: 'boolean' },
    },
  });
  const devices = Number(values.devices ?? 10_000);
  const requests = Number(values.requests ?? 20_000);
  const concurrency = Number(values.concurrency ?? 64);
  if (![devices, requests, concurrency].every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error('--devices, --requests and --concurrency take positive integers');
  }
  const full = Object.values(values).every((v) => v === undefined);
  return { devices, requests, concurrency, http: !values['skip-http'], jobs: !values['skip-jobs'], full };
}

/** a/b rounded (NaN when b is 0). */
function ratio(a: number, b: number): number {
  return b > 0 ? round(a / b, 3) : Number.NaN;
}

/** The median round of the bare fan-out by time to all replies. */
function medianRound(rounds: BareFanoutRound[]): BareFanoutRound {
  const sorted = [...rounds].sort((a, b) => a.allRepliesMs - b.allRepliesMs);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** HTTP load figures beside the bare `https` baseline. */
function compareLoad(hub: LoadRun, bare: LoadRun) {
  return {
    hub,
    bare,
    ratioHubToBare: {
      requestsPerSec: ratio(hub.requestsPerSec, bare.requestsPerSec),
      p50: ratio(hub.latencyMs.p50, bare.latencyMs.p50),
      p99: ratio(hub.latencyMs.p99, bare.latencyMs.p99),
      serverCpuPerRequest: ratio(hub.serverCpuUsPerRequest ?? 0, bare.serverCpuUsPerRequest ?? 0),
    },
  };
}

/** Twin GET/PATCH load on the hub and on a bare `https` server with responses of the same sizes. */
async function httpSuite(hub: BrokerChild, ca: string, args: ReturnType<typeof parseJobsBenchArgs>) {
  const ids = Array.from({ length: args.devices }, (_, i) => jobsDeviceId(i));
  const hubRest = createRestClient(hub.info.https!, ca, args.concurrency);
  const getProbe = await hubRest.request('GET', twinPath(ids[0]!));
  const patchProbe = await hubRest.request('PATCH', twinPath(ids[0]!), httpPatchBody(0), { 'if-match': '*' });
  if (getProbe.status !== 200 || patchProbe.status !== 200) {
    throw new Error(
      `twin probe: GET ${getProbe.status} PATCH ${patchProbe.status} ${patchProbe.text.slice(0, 200)}`,
    );
  }
  const sizes = { get: Buffer.byteLength(getProbe.text), patch: Buffer.byteLength(patchProbe.text) };
  let bare: BareHttps | undefined;
  const hubCpu = async () => {
    const s = await hub.stats();
    return (s.cpu.user + s.cpu.system) / 1000;
  };
  try {
    bare = await spawnBareHttps(hub.info.tlsDir, sizes.get, sizes.patch);
    const bareRest = createRestClient(bare.url, ca, args.concurrency);
    const warm = Math.min(2_000, args.requests);
    const load = { requests: args.requests, concurrency: args.concurrency };
    const out: Record<string, unknown> = { responseBytes: sizes, options: { ...load, warmupPerKind: warm } };
    for (const kind of ['GET', 'PATCH'] as const) {
      await runLoad(bareRest, kind, ids, { ...load, requests: warm });
      await runLoad(hubRest, kind, ids, { ...load, requests: warm });
      const b = await runLoad(bareRest, kind, ids, { ...load, serverCpuMs: bare.cpuMs });
      progress(
        `  bare https ${kind}: ${b.requestsPerSec}/s p50 ${b.latencyMs.p50} p99 ${b.latencyMs.p99} ms`,
      );
      const h = await runLoad(hubRest, kind, ids, { ...load, serverCpuMs: hubCpu });
      progress(
        `  hub ${kind} /twins: ${h.requestsPerSec}/s p50 ${h.latencyMs.p50} p99 ${h.latencyMs.p99} ms, errors ${h.errors}`,
      );
      out[kind === 'GET' ? 'twinGet' : 'twinPatch'] = compareLoad(h, b);
    }
    bareRest.close();
    return out;
  } finally {
    hubRest.close();
    await bare?.close();
  }
}

async function main(): Promise<void> {
  const args = parseJobsBenchArgs(process.argv.slice(2));
  const limits = fdLimits();
  const fdNeeded = args.devices + 1024;
  if (limits.soft < fdNeeded && !process.env[RAISED_ENV]) {
    const wanted = Math.min(65_536, limits.hard);
    if (wanted >= fdNeeded) {
      progress(`ulimit -n is ${limits.soft}; re-running under ulimit -n ${wanted}`);
      process.exitCode = await rerunWithLimit(wanted, RAISED_ENV);
      return;
    }
    progress(`ulimit -n is ${limits.soft} (hard ${limits.hard}), below the ${fdNeeded} needed`);
  }
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  progress(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB, load ${machine.loadAverage.join(' ')}`,
  );

  progress('starting the hub child and the bare aedes child');
  const hub = await spawnBrokerChild('hub', ['hub']);
  let bare: BrokerChild | undefined;
  const measures: Record<string, unknown> = {};
  const targets: Array<{ id: string; value: number; unit: string; target: string; met: boolean }> = [];
  let provisioning: Record<string, unknown> = {};
  try {
    const ca = await readFile(hub.info.caPem, 'utf8');
    bare = await spawnBrokerChild('bare', ['bare', hub.info.tlsDir]);
    progress(`provisioning ${args.devices} devices in the hub (hub.bulk in the hub child)`);
    const { ms } = await hub.call<{ ms: number }>('provision', {
      prefix: JOBS_DEVICE_PREFIX,
      count: args.devices,
    });
    provisioning = { devices: args.devices, ms, hubRssMiB: hub.memory().rssMiB };

    if (args.http) {
      progress(`HTTPS twin GET/PATCH: ${args.requests} each, ${args.concurrency} keep-alive connections`);
      measures.httpTwins = await httpSuite(hub, ca, args);
    }

    if (args.jobs) {
      const ids = Array.from({ length: args.devices }, (_, i) => jobsDeviceId(i));
      progress(`bare aedes: connecting ${args.devices} devices over TLS`);
      const bareFleet = await connectFleet(bare.info.mqtts, ca, args.devices, setupBareDevice);
      progress(`  ${bareFleet.connect.connected} connected in ${bareFleet.connect.ms} ms`);
      const rounds = await runBareFanout(
        bare,
        bare.info.mqtts,
        ca,
        bareFleet.devices.map((d) => d.id),
        { rounds: 3 },
      );
      for (const r of rounds)
        progress(`  bare fan-out: ${r.replies}/${r.sent} replies in ${r.allRepliesMs} ms`);
      const bareDisconnectMs = await bareFleet.close();

      progress(`hub: connecting ${args.devices} devices over TLS (SAS), subscribing methods + desired`);
      const side = createDeviceSide();
      const hubFleet = await connectFleet(hub.info.mqtts, ca, args.devices, hubDeviceSetup(side));
      progress(`  ${hubFleet.connect.connected} connected in ${hubFleet.connect.ms} ms`);
      const rest = createRestClient(hub.info.https!, ca, 4);
      const jobs: JobRun[] = [];
      try {
        for (const [seq, kind] of [
          [1, 'method'],
          [2, 'twin'],
        ] as const) {
          progress(`  ${kind} job over ${ids.length} devices`);
          const job = await runJob(hub, rest, side, kind, seq, { expectedDevices: hubFleet.devices.length });
          progress(
            `    ${job.status}: ${job.succeeded} ok, ${job.failed} failed in ${job.putToCompletedMs} ms = ${job.deviceOpsPerSec} ops/s; devices saw ${job.devices.methodRequests} methods, ${job.devices.desiredPatches} desired`,
          );
          jobs.push(job);
        }
      } finally {
        rest.close();
      }
      const hubDisconnectMs = await hubFleet.close();
      const base = medianRound(rounds);
      const baseRate = base.repliesPerSec;
      measures.jobs = {
        devices: args.devices,
        hubConnect: { ...hubFleet.connect, disconnectMs: hubDisconnectMs },
        bareConnect: { ...bareFleet.connect, disconnectMs: bareDisconnectMs },
        methodJob: jobs[0],
        twinJob: jobs[1],
        baseline: {
          name: 'bareAedesFanoutRoundTrip',
          description:
            'bare aedes (TLS, hub certificate), same client code: one publisher sends one QoS 0 request to each device topic, each device answers on a reply topic; first publish → last reply',
          median: base,
          rounds,
        },
        ratios: Object.fromEntries(
          jobs.map((j) => [
            j.kind,
            {
              timeHubToBare: ratio(j.putToCompletedMs, base.allRepliesMs),
              rateHubToBare: ratio(j.deviceOpsPerSec, baseRate),
              rateToIotHubS3Unit: ratio(j.deviceOpsPerSec, IOT_HUB_S3_JOB_OPS_PER_SEC_PER_UNIT),
            },
          ]),
        ),
        iotHubS3: {
          jobDeviceOpsPerSecPerUnit: IOT_HUB_S3_JOB_OPS_PER_SEC_PER_UNIT,
          oneUnitSecondsFor10k: round(args.devices / IOT_HUB_S3_JOB_OPS_PER_SEC_PER_UNIT, 0),
        },
      };
      for (const j of jobs) {
        targets.push({
          id: `${j.kind}.putToCompletedMs`,
          value: j.putToCompletedMs,
          unit: 'ms',
          target: `<= 5000 for ${args.devices} devices`,
          met: j.putToCompletedMs <= 5_000 && j.status === 'completed',
        });
      }
    }
    measures.hubMemory = hub.memory();
  } finally {
    progress('stopping the children');
    await bare?.close();
    await hub.close();
  }
  const durationMs = Math.round(msSince(started));
  const report = {
    benchmark: 'jobs',
    startedAt,
    durationMs,
    options: { devices: args.devices, requests: args.requests, concurrency: args.concurrency },
    machine,
    load: describeRunLoad(cpuAtStart, started),
    fdLimit: { ...limits, neededPerProcess: fdNeeded },
    setup: {
      hub: 'startEdgeRuntime in a child process (test/bench/mqtt/hub-child.ts): durable store, SAS auth, MQTT over TLS, HTTPS on 127.0.0.1; default job concurrency (100 device calls in flight)',
      bareAedes: 'aedes in a child process with the hub server certificate (test/bench/mqtt/bare-aedes.ts)',
      bareHttps:
        'node:https in a child process with the hub server certificate, static JSON of the twin GET/PATCH response sizes',
      clients:
        'this process: mqtt.js 5 devices as azure-iot-mqtt-base connects (MQTT 3.1.1, clean=0, SAS, one shared TLS context), keep-alive https.Agent for REST',
      provisioning,
    },
    targets,
    targetsMissed: targets.filter((t) => !t.met).map((t) => t.id),
    notes: [
      'Ratios are hub / baseline, both measured in this run on this machine; targets are reported, never enforced.',
      'putToCompletedMs: PUT /jobs/v2 sent → the first GET /jobs/v2/{id} (polled every 50 ms) that saw completed.',
      'deviceOpsPerSec = (succeeded + failed) / putToCompletedMs. IoT Hub S3 allows 50 job device operations/s per unit.',
      'HTTP: the hub twins were offline during the load (no MQTT devices connected), so PATCH notifies no device.',
      'On 2 cores the client process (all devices, REST load) and the server child share the machine: client-bound runs understate the server.',
    ],
    measures,
  };
  await publishReport({ report, resultFile: RESULT_FILE, full: args.full, durationMs });
}

runBench('bench:jobs', main);
