import { monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { BENCH_ACTOR, type BenchHub, createRandom, deviceId } from './fixture';
import { type Figure, figure, round, runPool, type Summary, summarize, type Target } from './stats';
import { checkpointBusyFraction, type WriteTarget } from './store-probe';

/** How the patch benchmark runs. */
export interface TwinPatchOptions {
  /** Measured patches (default 30,000). */
  patches?: number;
  /** Patches in flight (default 200). */
  concurrency?: number;
  /** Unmeasured patches first (default 2,000). */
  warmup?: number;
  /** Targets; absent ones are not judged. */
  targets?: { patchesPerSec?: Target; ackP99Ms?: Target; lagP99Ms?: Target };
}

/** What the patch benchmark measured. */
export interface TwinPatchResult {
  patches: number;
  concurrency: number;
  elapsedMs: number;
  durablePatchesPerSec: Figure;
  ackLatencyMs: Summary;
  ackP99Ms: Figure;
  eventLoopLagMs: { p50: number; p99: number; max: number };
  eventLoopLagP99Ms: Figure;
  /** Store activity in the measured phase: journal batches, entries per batch, overlapping checkpoints. */
  store: {
    batches: number;
    entriesPerBatch: number;
    checkpoints: number;
    /** Duration and shards written of each checkpoint that ended in the phase. */
    checkpointMs: number[];
    /** The share of the phase during which a checkpoint was running. */
    checkpointBusyFraction: number;
    /** Bytes written per patch: to the journal, and by checkpoints (shards, feed archive, manifest). */
    journalBytesPerPatch: number;
    checkpointBytesPerPatch: number;
    checkpointShards: number[];
    journalFilesAtEnd: number;
  };
  /** Garbage-collection pauses during the phase (they block the event loop). */
  gc: { count: number; totalMs: number; maxMs: number; majorCount: number; majorMaxMs: number };
}

/** Bytes written by checkpoints: shard files, feed archive chunks and the manifest. */
const checkpointWrites = (b: Record<WriteTarget, number>): number => b.records + b.feed + b.manifest;

// perf_hooks gc entry kinds (NODE_PERFORMANCE_GC_MAJOR).
const GC_MAJOR = 4;

/** Watches GC pauses until `stop()` returns their count, total and worst. */
function watchGc(): { stop(): TwinPatchResult['gc'] } {
  const pauses: { ms: number; major: boolean }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      pauses.push({ ms: e.duration, major: kind === GC_MAJOR });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      const major = pauses.filter((p) => p.major);
      return {
        count: pauses.length,
        totalMs: round(
          pauses.reduce((s, p) => s + p.ms, 0),
          1,
        ),
        maxMs: round(Math.max(0, ...pauses.map((p) => p.ms)), 1),
        majorCount: major.length,
        majorMaxMs: round(Math.max(0, ...major.map((p) => p.ms)), 1),
      };
    },
  };
}

// The event-loop histogram records whole timer intervals; lag is what exceeds the resolution.
const LAG_RESOLUTION_MS = 5;

function desiredPatch(r: () => number): unknown {
  return {
    properties: {
      desired: {
        telemetryIntervalS: 30 + Math.floor(r() * 10) * 30,
        mode: r() < 0.5 ? 'eco' : 'comfort',
        thresholds: { tempHighC: 24 + Math.floor(r() * 8) },
      },
    },
  };
}

/** Durable desired-property patches/s through core + lowdb store on random devices of a seeded hub. */
export async function runTwinPatches(
  bench: BenchHub,
  twins: number,
  options: TwinPatchOptions = {},
): Promise<TwinPatchResult> {
  const { hub, store } = bench;
  const patches = options.patches ?? 30_000;
  const concurrency = options.concurrency ?? 200;
  const r = createRandom(42);
  const patchOne = (): Promise<unknown> =>
    hub.twins.patch(deviceId(Math.floor(r() * twins)), desiredPatch(r), '*', BENCH_ACTOR);

  await runPool(options.warmup ?? 2_000, concurrency, async () => {
    await patchOne();
  });

  const latencies = new Float64Array(patches);
  const before = store.stats();
  const bytesBefore = { ...bench.probe.bytes };
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const gc = watchGc();
  const started = performance.now();
  await runPool(patches, concurrency, async (i) => {
    const t0 = performance.now();
    await patchOne();
    latencies[i] = performance.now() - t0;
  });
  const ended = performance.now();
  const elapsedMs = ended - started;
  lag.disable();
  const gcPauses = gc.stop();
  const after = store.stats();
  const bytes = bench.probe.bytes;
  const checkpointBytes = checkpointWrites(bytes) - checkpointWrites(bytesBefore);
  const checkpoints = bench.probe.checkpoints.filter((c) => c.endedAt > started);

  const lagMs = (ns: number) => round(Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS));
  const ackLatencyMs = summarize(Array.from(latencies));
  const lagP99 = lagMs(lag.percentile(99));
  const batches = after.batchesWritten - before.batchesWritten;
  const targets = options.targets ?? {};
  return {
    patches,
    concurrency,
    elapsedMs: Math.round(elapsedMs),
    durablePatchesPerSec: figure(
      patches / (elapsedMs / 1000),
      'patches/s',
      targets.patchesPerSec ? { target: targets.patchesPerSec } : {},
    ),
    ackLatencyMs,
    ackP99Ms: figure(ackLatencyMs.p99, 'ms', targets.ackP99Ms ? { target: targets.ackP99Ms } : {}),
    eventLoopLagMs: { p50: lagMs(lag.percentile(50)), p99: lagP99, max: lagMs(lag.max) },
    eventLoopLagP99Ms: figure(lagP99, 'ms', targets.lagP99Ms ? { target: targets.lagP99Ms } : {}),
    store: {
      batches,
      entriesPerBatch: round((after.entriesWritten - before.entriesWritten) / Math.max(1, batches), 1),
      checkpoints: checkpoints.length,
      checkpointMs: checkpoints.map((c) => Math.round(c.ms)),
      checkpointBusyFraction: round(checkpointBusyFraction(bench.probe, started, ended)),
      journalBytesPerPatch: Math.round((bytes.journal - bytesBefore.journal) / patches),
      checkpointBytesPerPatch: Math.round(checkpointBytes / patches),
      checkpointShards: checkpoints.map((c) => c.shardsWritten),
      journalFilesAtEnd: after.journalFiles,
    },
    gc: gcPauses,
  };
}
