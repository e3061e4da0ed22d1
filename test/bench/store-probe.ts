import path from 'node:path';
import type { Logger } from '@outpost/core';
import { defaultStoreFs, type StoreFs } from '@outpost/edge-runtime';
import { progress } from './stats';

/** Where a store write lands: the journal, or one of the checkpoint's outputs. */
export type WriteTarget = 'journal' | 'records' | 'feed' | 'manifest';

/** One checkpoint the store logged: when it ended, how long it took, shards written. */
export interface CheckpointEvent {
  endedAt: number;
  ms: number;
  shardsWritten: number;
}

/** Watches a store from outside: bytes it writes per target, checkpoint writes and logged checkpoints. */
export interface StoreProbe {
  /** Passed to `openLowdbStore` as its file system. */
  fs: StoreFs;
  /** Passed to `openLowdbStore` as its logger. */
  logger: Logger;
  /** Bytes written so far per target (file contents only, not directory syncs). */
  bytes: Record<WriteTarget, number>;
  /** Checkpoints logged so far (`performance.now()` times). */
  checkpoints: CheckpointEvent[];
  /** When the checkpoint last opened a file for writing (records, feed or manifest). */
  lastCheckpointWriteAt(): number;
  /** When the first checkpoint write after `t` happened, or null. */
  firstCheckpointWriteAfter(t: number): number | null;
}

function targetOf(storeDir: string, file: string): WriteTarget {
  const top = path.relative(storeDir, file).split(path.sep)[0];
  return top === 'journal' || top === 'records' || top === 'feed' ? top : 'manifest';
}

/** Creates a probe for the store in `storeDir`: a pass-through file system and a logger. */
export function createStoreProbe(storeDir: string): StoreProbe {
  const bytes: Record<WriteTarget, number> = { journal: 0, records: 0, feed: 0, manifest: 0 };
  const checkpoints: CheckpointEvent[] = [];
  // Times of checkpoint file opens; bounded (the suites only look at recent ones).
  const checkpointWrites: number[] = [];
  const fs: StoreFs = {
    ...defaultStoreFs,
    async open(file, flags) {
      const handle = await defaultStoreFs.open(file, flags);
      if (flags === 'r') return handle;
      const target = targetOf(storeDir, file);
      if (target !== 'journal') {
        checkpointWrites.push(performance.now());
        if (checkpointWrites.length > 10_000) checkpointWrites.splice(0, 5_000);
      }
      const writeFile = handle.writeFile.bind(handle);
      handle.writeFile = (data, options) => {
        bytes[target] += typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).byteLength;
        return writeFile(data, options);
      };
      return handle;
    },
  };
  const report = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    progress(`store ${level}: ${msg} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = {
    debug(msg, fields) {
      if (msg !== 'store checkpoint') return;
      checkpoints.push({
        endedAt: performance.now(),
        ms: Number(fields?.ms ?? 0),
        shardsWritten: Number(fields?.shardsWritten ?? 0),
      });
    },
    info() {},
    warn: report('warn'),
    error: report('error'),
  };
  return {
    fs,
    logger,
    bytes,
    checkpoints,
    lastCheckpointWriteAt: () => checkpointWrites.at(-1) ?? Number.NEGATIVE_INFINITY,
    firstCheckpointWriteAfter: (t) => checkpointWrites.find((w) => w > t) ?? null,
  };
}

/** The share of [start, end] during which a checkpoint ran: logged ones, plus one still running at `end`. */
export function checkpointBusyFraction(probe: StoreProbe, start: number, end: number): number {
  let busy = 0;
  let lastEnd = start;
  for (const c of probe.checkpoints) {
    const from = Math.max(start, c.endedAt - c.ms);
    const to = Math.min(end, c.endedAt);
    if (to > from) busy += to - from;
    if (c.endedAt > lastEnd) lastEnd = Math.min(c.endedAt, end);
  }
  // A checkpoint that wrote after the last logged one ended has not finished yet.
  const running = probe.firstCheckpointWriteAfter(lastEnd);
  if (running !== null && running < end) busy += end - running;
  return busy / Math.max(1, end - start);
}
