import path from 'node:path';
import { type BenchHub, diskUsage, openBenchHub } from './fixture';
import { collectGarbage, type Figure, figure, msSince, round, type Summary, summarize } from './stats';

/** What closing and reopening a seeded hub cost, and how big its store is. */
export interface RestartResult {
  /** Time for `hub.close()` (drains the group commit, writes the final checkpoint). */
  closeMs: number;
  /** Store size on disk after a clean close. */
  storeBytes: Figure;
  storeAllocatedBytes: number;
  storeFiles: number;
  /** Bytes per part of the store directory. */
  parts: Record<string, number>;
  /** `openLowdbStore` + `createHub` until the hub answers, per run. */
  reopenMs: Summary;
  reopen: Figure;
  /** Of the median run: opening the store (read + recover) and building the hub over it. */
  openStoreMs: number;
  createHubMs: number;
  /** The first tag query after the last reopen (twin documents are built lazily). */
  firstQueryAfterRestartMs: number;
  devicesAfterRestart: number;
  /** Heap in use with the reopened hub (after its first query). */
  heapUsedMiB: number;
}

/** Holds the suite's one live hub, so a closed hub is no longer referenced while the next one opens. */
export interface BenchSlot {
  bench: BenchHub | null;
}

/** Closes the slot's hub, measures its store, then reopens it `runs` times, leaving the last one open. */
export async function runRestart(slot: BenchSlot, runs = 3): Promise<RestartResult> {
  const dir = slot.bench!.dir;
  let started = performance.now();
  await slot.bench!.hub.close();
  const closeMs = msSince(started);
  slot.bench = null;
  const storeDir = path.join(dir, 'store');
  const usage = await diskUsage(storeDir);
  const parts: Record<string, number> = {};
  for (const part of ['records', 'journal', 'feed'])
    parts[part] = (await diskUsage(path.join(storeDir, part))).bytes;

  const totals: number[] = [];
  const splits: { openStoreMs: number; createHubMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    if (slot.bench) await slot.bench.hub.close();
    slot.bench = null;
    collectGarbage();
    started = performance.now();
    slot.bench = await openBenchHub(dir, (ms) => splits.push({ openStoreMs: ms, createHubMs: 0 }));
    const total = msSince(started);
    splits.at(-1)!.createHubMs = total - splits.at(-1)!.openStoreMs;
    totals.push(total);
  }
  const hub = slot.bench!.hub;
  started = performance.now();
  hub.query("SELECT * FROM devices WHERE tags.site = 'site-7'", { pageSize: 100 });
  const firstQueryAfterRestartMs = msSince(started);

  const median = [...totals.keys()].sort((a, b) => totals[a]! - totals[b]!)[Math.floor(runs / 2)]!;
  const reopenMs = summarize(totals, 1);
  return {
    closeMs: Math.round(closeMs),
    storeBytes: figure(usage.bytes, 'bytes'),
    storeAllocatedBytes: usage.allocatedBytes,
    storeFiles: usage.files,
    parts,
    reopenMs,
    reopen: figure(reopenMs.p50, 'ms'),
    openStoreMs: round(splits[median]!.openStoreMs, 1),
    createHubMs: round(splits[median]!.createHubMs, 1),
    firstQueryAfterRestartMs: round(firstQueryAfterRestartMs, 1),
    devicesAfterRestart: hub.devices.size(),
    heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}
