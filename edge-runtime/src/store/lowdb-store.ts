import { join, resolve } from 'node:path';
import type { Logger, StorePort, StoreSnapshot } from '@outpost/core/ports';
import { createCheckpointer } from './checkpoint';
import { type EncodedEntry, encodeEntry } from './encoding';
import { createFeedArchive } from './feed-archive';
import { createGroupCommitter } from './group-commit';
import { createJournal } from './journal';
import { createRecordState } from './record-state';
import { recoverStore } from './recover';
import { defaultStoreFs, directorySize, ensureDir, type StoreFs } from './store-fs';

/** Options of the lowdb store. */
export interface LowdbStoreOptions {
  /** The store's directory (created if missing). */
  dir: string;
  /** collection → snapshot shard count (default 64 for `devices`, 1 for anything else). */
  shards?: Record<string, number>;
  /** How many changes (counted in seqs) the feed archive keeps beyond the journal (default 200,000). */
  feedRetention?: number;
  /** How often a background checkpoint folds the journal into snapshots (default 5,000 ms). */
  checkpointIntervalMs?: number;
  logger?: Logger;
  /** File-system override, for fault-injection tests. */
  fs?: StoreFs;
  /** Called after each journal batch is durable: how long its write took and how many entries it held. */
  onBatch?(ms: number, entries: number): void;
}

/** Counters and gauges of the store, for statistics and tests. */
export interface LowdbStoreStats {
  /** Highest durable change seq. */
  lastSeq: number;
  /** Journal batches written (each one file, one fsync pair) and entries they held. */
  batchesWritten: number;
  entriesWritten: number;
  failedBatches: number;
  /** Entries waiting for the next batch. */
  queuedEntries: number;
  journalFiles: number;
  journalBytes: number;
  checkpoints: number;
  dirtyShards: number;
  records: number;
  feedChunks: number;
  firstRetainedSeq: number;
}

/** The lowdb-backed store: the port, plus statistics and an on-demand checkpoint. */
export type LowdbStore = StorePort & {
  /** Current counters. */
  stats(): LowdbStoreStats;
  /** Folds the journal into snapshot files now; resolves when done. */
  checkpoint(): Promise<void>;
};

// Devices dominate the record count (10k–100k twins); 64 shards keep a shard near 250 KB at 10k.
const DEFAULT_SHARDS: Record<string, number> = { devices: 64 };
// Bounds on one journal segment, so a backlog drains in steps rather than one giant write.
const MAX_BATCH_ENTRIES = 4096;
const MAX_BATCH_CHARS = 8 * 1024 * 1024;
// A checkpoint also starts early when the journal grows past these, bounding replay at start.
const MAX_JOURNAL_CHARS = 32 * 1024 * 1024;
const MAX_JOURNAL_FILES = 1024;

/** Opens (recovering if needed) the durable store in `options.dir`. */
export async function openLowdbStore(options: LowdbStoreOptions): Promise<LowdbStore> {
  validateOptions(options);
  const fs = options.fs ?? defaultStoreFs;
  const logger = options.logger;
  const dir = resolve(options.dir);
  const layout = { dir, recordsDir: join(dir, 'records') };
  const journalDir = join(dir, 'journal');
  const feedDir = join(dir, 'feed');
  for (const d of [dir, layout.recordsDir, journalDir, feedDir]) await ensureDir(fs, d);

  const started = performance.now();
  const records = createRecordState((c) => options.shards?.[c] ?? DEFAULT_SHARDS[c] ?? 1);
  const journal = createJournal(journalDir, fs);
  const feed = createFeedArchive(feedDir, fs, options.feedRetention ?? 200_000);
  const recovered = await recoverStore(fs, layout, { records, journal, feed });
  let initial: StoreSnapshot | null = recovered.snapshot;
  logger?.info('store opened', {
    dir,
    records: records.recordCount(),
    lastSeq: recovered.snapshot.lastSeq,
    replayedSegments: recovered.replayed,
    ms: Math.round(performance.now() - started),
  });

  let appliedBatch = recovered.lastBatch;
  let nextBatch = appliedBatch + 1;
  let durableSeq = recovered.snapshot.lastSeq;
  let acceptedSeq = durableSeq;
  let closing = false;
  let closed: Promise<void> | null = null;
  const counters = { batchesWritten: 0, entriesWritten: 0, failedBatches: 0, checkpoints: 0 };

  const checkpointer = createCheckpointer({
    fs,
    dir,
    recordsDir: layout.recordsDir,
    records,
    journal,
    feed,
    durable: () => ({ batch: appliedBatch, lastSeq: durableSeq }),
    manifest: recovered.manifest,
    retired: recovered.retired,
  });

  const checkpoint = async (): Promise<void> => {
    const started = performance.now();
    const result = await checkpointer.run();
    if (!result) return;
    counters.checkpoints++;
    logger?.debug('store checkpoint', { ...result, ms: Math.round(performance.now() - started) });
  };
  const checkpointInBackground = (): void => {
    if (closing || checkpointer.busy() || !checkpointer.needed()) return;
    checkpoint().catch((err) =>
      logger?.warn('store checkpoint failed; the journal keeps the data', { error: String(err) }),
    );
  };

  const writeBatch = async (entries: EncodedEntry[]): Promise<void> => {
    // Numbers are never reused, even after a failed write whose file might still exist.
    const batch = nextBatch++;
    const firstSeq = entries.find((e) => e.seq !== null)?.seq ?? durableSeq + 1;
    const writeStarted = performance.now();
    try {
      await journal.append(batch, firstSeq, entries);
    } catch (err) {
      counters.failedBatches++;
      logger?.error('store write failed', { batch, entries: entries.length, error: String(err) });
      throw err;
    }
    // Durable: only now does the store's own state (and the readable feed) include the batch.
    for (const entry of entries) {
      for (const write of entry.writes) records.apply(write);
      if (entry.seq !== null && entry.change !== null) {
        feed.hold(entry.seq, batch, entry.change);
        durableSeq = entry.seq;
      }
    }
    appliedBatch = batch;
    options.onBatch?.(performance.now() - writeStarted, entries.length);
    counters.batchesWritten++;
    counters.entriesWritten += entries.length;
    if (journal.byteCount() > MAX_JOURNAL_CHARS || journal.fileCount() > MAX_JOURNAL_FILES) {
      checkpointInBackground();
    }
  };
  const committer = createGroupCommitter(writeBatch, {
    maxItems: MAX_BATCH_ENTRIES,
    maxSize: MAX_BATCH_CHARS,
  });

  const timer = setInterval(checkpointInBackground, options.checkpointIntervalMs ?? 5_000);
  // The timer must not keep a process alive that has nothing else to do.
  timer.unref();

  return {
    async load() {
      if (initial) {
        const snapshot = initial;
        initial = null; // handed over once; later calls rebuild from the store's own copy
        return snapshot;
      }
      const collections = new Map<string, Map<string, unknown>>();
      for (const state of records.all()) {
        const docs = new Map<string, unknown>();
        for (const shard of state.shards) for (const [id, doc] of shard) docs.set(id, JSON.parse(doc));
        collections.set(state.name, docs);
      }
      return { collections, lastSeq: durableSeq };
    },

    async commit(entry) {
      if (closing) throw new Error('store is closed');
      initial = null; // the load-time snapshot is stale from now on
      // Serialised now, at call time: what is stored is the entry as it was when committed.
      const encoded = encodeEntry(entry);
      if (encoded.seq !== null) {
        // The feed is read by seq ranges; an out-of-order seq would silently hide changes.
        if (!(encoded.seq > acceptedSeq)) {
          throw new Error(`change seq ${encoded.seq} is not above the last committed seq ${acceptedSeq}`);
        }
        acceptedSeq = encoded.seq;
      }
      return committer.submit(encoded, encoded.size);
    },

    async readChanges(afterSeq, limit) {
      if (!(limit > 0)) return [];
      return feed.read(afterSeq, Math.floor(limit));
    },

    firstRetainedSeq: () => feed.firstSeq() ?? durableSeq + 1,

    sizeBytes: () => directorySize(fs, dir),

    close() {
      closed ??= (async () => {
        closing = true;
        clearInterval(timer);
        await committer.drain();
        // A clean shutdown leaves no journal to replay: the next start reads snapshots only.
        await checkpoint();
      })();
      return closed;
    },

    checkpoint,

    stats: () => ({
      lastSeq: durableSeq,
      ...counters,
      queuedEntries: committer.queued(),
      journalFiles: journal.fileCount(),
      journalBytes: journal.byteCount(),
      dirtyShards: records.dirtyCount(),
      records: records.recordCount(),
      feedChunks: feed.chunkCount(),
      firstRetainedSeq: feed.firstSeq() ?? durableSeq + 1,
    }),
  };
}

function validateOptions(options: LowdbStoreOptions): void {
  if (typeof options.dir !== 'string' || options.dir === '') throw new TypeError('store dir is required');
  for (const [collection, count] of Object.entries(options.shards ?? {})) {
    // Shard counts are part of file names and the manifest; nonsense here would be written down.
    if (!Number.isInteger(count) || count < 1 || count > 4096) {
      throw new RangeError(`shard count of ${collection} must be an integer from 1 to 4096, not ${count}`);
    }
  }
  const retention = options.feedRetention;
  if (retention !== undefined && !(Number.isInteger(retention) && retention >= 0)) {
    throw new RangeError(`feedRetention must be a non-negative integer, not ${retention}`);
  }
  const interval = options.checkpointIntervalMs;
  if (interval !== undefined && !(interval > 0)) {
    throw new RangeError(`checkpointIntervalMs must be positive, not ${interval}`);
  }
}
