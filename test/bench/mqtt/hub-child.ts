/** Child-process entry of `bench:mqtt`: runs the full hub (`hub`) or bare aedes (`bare <tlsDir>`) and answers the parent over IPC. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import tls from 'node:tls';
import { type Logger, MAX_BULK_DEVICES } from '@outpost/core';
import { type EdgeRuntime, startEdgeRuntime } from '@outpost/edge-runtime';
import { OWNER_KEY, testConfig } from '../../helpers/test-hub';
import { BENCH_ACTOR, initialTwin } from '../fixture';
import { runPool } from '../stats';
import { type BareBroker, startBareBroker } from './bare-aedes';
import { type ChildReady, type ChildReply, type ChildRequest, DEVICE_KEY } from './protocol';

/** Warnings and errors to stderr (stdout of the parent carries only JSON). */
/** GC pauses since start, and the longest since the last `stats` call (so a phase reads its own worst). */
const gc = { count: 0, totalMs: 0, majorCount: 0, majorMs: 0, maxMsSinceStats: 0 };
// perf_hooks gc entry kind of a mark-sweep-compact (NODE_PERFORMANCE_GC_MAJOR).
const GC_MAJOR = 4;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const major = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === GC_MAJOR;
    gc.count++;
    gc.totalMs += e.duration;
    if (major) {
      gc.majorCount++;
      gc.majorMs += e.duration;
    }
    gc.maxMsSinceStats = Math.max(gc.maxMsSinceStats, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

/** Store checkpoints since start (they block the event loop while shards are encoded). */
const checkpoints = { count: 0, totalMs: 0, maxMs: 0 };

const childLogger: Logger = {
  debug(msg, fields) {
    if (msg !== 'store checkpoint') return;
    const ms = Number(fields?.ms ?? 0);
    checkpoints.count++;
    checkpoints.totalMs += ms;
    checkpoints.maxMs = Math.max(checkpoints.maxMs, ms);
  },
  info() {},
  warn: (msg, fields) => process.stderr.write(`[hub-child warn] ${msg} ${JSON.stringify(fields ?? {})}\n`),
  error: (msg, fields) => process.stderr.write(`[hub-child error] ${msg} ${JSON.stringify(fields ?? {})}\n`),
};

/** Creates `count` devices `{prefix}{i}` through `hub.bulk` (100 per request) with realistic tags and desired. */
async function provision(runtime: EdgeRuntime, prefix: string, count: number): Promise<{ ms: number }> {
  const started = performance.now();
  const requests = Math.ceil(count / MAX_BULK_DEVICES);
  await runPool(requests, 8, async (r) => {
    const body = [];
    for (let i = r * MAX_BULK_DEVICES; i < Math.min(count, (r + 1) * MAX_BULK_DEVICES); i++) {
      const { tags, desired } = initialTwin(i);
      body.push({
        id: `${prefix}${i}`,
        importMode: 'create',
        status: 'enabled',
        authentication: { type: 'sas', symmetricKey: { primaryKey: DEVICE_KEY, secondaryKey: DEVICE_KEY } },
        tags,
        properties: { desired },
      });
    }
    const failures = await runtime.hub.bulk(body, BENCH_ACTOR);
    if (failures.length > 0) throw new Error(`bulk create failed: ${JSON.stringify(failures[0])}`);
  });
  return { ms: Math.round(performance.now() - started) };
}

/** Diagnostic (`--server-nodelay`): every TCP/TLS server made from here on disables Nagle on its sockets. */
function forceServerNoDelay(): void {
  const createTls = tls.createServer;
  const createNet = net.createServer;
  Object.assign(tls, {
    createServer: (o: tls.TlsOptions, l?: (s: tls.TLSSocket) => void) =>
      createTls({ ...o, noDelay: true }, l),
  });
  Object.assign(net, {
    createServer: (o?: net.ServerOpts | ((s: net.Socket) => void), l?: (s: net.Socket) => void) =>
      typeof o === 'function' ? createNet({ noDelay: true }, o) : createNet({ ...o, noDelay: true }, l),
  });
}

/** The longest GC pause since the last call. */
function takeGcMax(): number {
  const max = gc.maxMsSinceStats;
  gc.maxMsSinceStats = 0;
  return max;
}

async function main(): Promise<void> {
  const [mode, tlsDirArg] = process.argv.slice(2);
  if (process.env.OUTPOST_BENCH_SERVER_NODELAY === '1') forceServerNoDelay();
  const started = performance.now();
  let runtime: EdgeRuntime | undefined;
  let bare: BareBroker | undefined;
  let dataDir: string | undefined;
  let ready: ChildReady;
  if (mode === 'hub') {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-bench-mqtt-'));
    runtime = await startEdgeRuntime(testConfig(dataDir, { mqttPlainPort: 0 }), {
      logger: childLogger,
      ownerKey: OWNER_KEY,
      adminPassword: 'bench-admin-password',
    });
    ready = {
      ready: true,
      pid: process.pid,
      mqtts: runtime.urls.mqtts,
      mqtt: runtime.urls.mqtt!,
      https: runtime.urls.https,
      tlsDir: path.dirname(runtime.paths.caPem),
      caPem: runtime.paths.caPem,
      startMs: Math.round(performance.now() - started),
    };
  } else if (mode === 'bare' && tlsDirArg) {
    bare = await startBareBroker(tlsDirArg);
    ready = {
      ready: true,
      pid: process.pid,
      mqtts: bare.mqtts,
      mqtt: bare.mqtt,
      https: bare.https,
      tlsDir: tlsDirArg,
      caPem: path.join(tlsDirArg, 'ca.pem'),
      startMs: Math.round(performance.now() - started),
    };
  } else {
    throw new Error('usage: hub-child.ts hub | bare <tlsDir>');
  }

  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= (async () => {
      await runtime?.close();
      await bare?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    })();
    return closing;
  };
  // The parent went away (crash or Ctrl-C): stop and clean up rather than linger.
  process.on('disconnect', () => {
    void shutdown().finally(() => process.exit(0));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void shutdown().finally(() => process.exit(1));
    });
  }

  // CPU profiles of measured phases only (`--cpu-prof`), through the inspector of this process.
  const inspector = new Session();
  inspector.connect();

  process.on('message', (message: ChildRequest) => {
    const reply = (r: Omit<ChildReply, 'id'>) => process.send?.({ id: message.id, ...r });
    const work = async (): Promise<unknown> => {
      switch (message.cmd) {
        case 'stats':
          // A full GC first when asked (the child runs with --expose-gc): what is retained, not garbage.
          if (message.args?.gc) (globalThis as { gc?: () => void }).gc?.();
          return {
            cpu: process.cpuUsage(),
            memory: process.memoryUsage(),
            gc: { ...gc, maxMsSinceStats: takeGcMax() },
            ...(runtime
              ? {
                  gateway: runtime.gatewayStats(),
                  outbox: runtime.telemetry.stats(),
                  devices: runtime.hub.devices.size(),
                  checkpoints: { ...checkpoints },
                }
              : { connectedClients: bare?.connectedClients() }),
          };
        case 'provision': {
          if (!runtime) throw new Error('provision needs the hub');
          const { prefix, count } = message.args as { prefix: string; count: number };
          return provision(runtime, prefix, count);
        }
        case 'profileStart':
          await inspector.post('Profiler.enable');
          await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
          await inspector.post('Profiler.start');
          return { started: true };
        case 'profileStop': {
          const { profile } = await inspector.post('Profiler.stop');
          const { file } = message.args as { file: string };
          await writeFile(file, JSON.stringify(profile));
          return { file };
        }
        case 'close':
          await shutdown();
          return { closed: true };
        default:
          throw new Error(`unknown command ${String(message.cmd)}`);
      }
    };
    work().then(
      (result) => {
        reply({ ok: true, result });
        if (message.cmd === 'close') process.disconnect();
      },
      (err: unknown) =>
        reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.send?.(ready);
}

main().catch((err) => {
  process.stderr.write(
    `hub-child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
