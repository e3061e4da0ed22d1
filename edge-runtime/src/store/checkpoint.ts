import type { FeedArchive } from './feed-archive';
import type { Journal } from './journal';
import { type Manifest, writeManifest } from './manifest';
import type { RecordState } from './record-state';
import { removeShardLayout, writeShard } from './shards';
import type { StoreFs } from './store-fs';

/** What a checkpoint needs to see and touch. */
export interface CheckpointDeps {
  fs: StoreFs;
  dir: string;
  recordsDir: string;
  records: RecordState;
  journal: Journal;
  feed: FeedArchive;
  /** The newest durable journal batch applied to `records`, and the highest seq in it. */
  durable(): { batch: number; lastSeq: number };
  manifest: Manifest;
  /** collection → old shard count still on disk after a shard-count change. */
  retired: Map<string, number>;
}

/** What one checkpoint did. */
export interface CheckpointResult {
  throughBatch: number;
  shardsWritten: number;
}

/** Folds the journal into the shard files, the change archive and a new manifest, one at a time. */
export interface Checkpointer {
  /** Runs a checkpoint after any running one (so it covers everything durable at call time). */
  run(): Promise<CheckpointResult | null>;
  /** Whether anything is waiting to be checkpointed. */
  needed(): boolean;
  /** Whether a checkpoint is in progress. */
  busy(): boolean;
}

/** Creates the checkpointer; at most one checkpoint runs at a time. */
export function createCheckpointer(deps: CheckpointDeps): Checkpointer {
  const { fs, records, journal, feed, retired } = deps;
  let manifest = deps.manifest;
  let current: Promise<CheckpointResult | null> | null = null;

  const needed = (): boolean =>
    deps.durable().batch > manifest.batch || records.dirtyCount() > 0 || retired.size > 0;

  const writeDirtyShards = async (): Promise<number> => {
    let written = 0;
    for (const state of records.all()) {
      for (const shard of [...state.dirty].sort((a, b) => a - b)) {
        // Taken in one synchronous step: the copy, the position it reflects and the cleared mark
        // agree, so a write that lands while the file is being written re-dirties it.
        state.dirty.delete(shard);
        const batch = deps.durable().batch;
        const docs = new Map(state.shards[shard]);
        try {
          // Every await here yields the event loop, so a large checkpoint is spread out in
          // shard-sized steps instead of blocking commits for its whole duration.
          await writeShard(fs, deps.recordsDir, {
            collection: state.name,
            shard,
            shardCount: state.shardCount,
            batch,
            records: docs,
          });
        } catch (err) {
          state.dirty.add(shard);
          throw err;
        }
        written++;
      }
    }
    return written;
  };

  const checkpoint = async (): Promise<CheckpointResult | null> => {
    if (!needed()) return null;
    const through = deps.durable();
    // 1. Changes leave the journal only once they are durable in the archive.
    await feed.archiveThrough(through.batch);
    // 2. Every shard dirtied by a batch ≤ through is written (with a position ≥ through).
    const shardsWritten = await writeDirtyShards();
    // 3. The manifest is the commit point: from now on recovery starts after `through`.
    const next: Manifest = {
      batch: through.batch,
      lastSeq: Math.max(manifest.lastSeq, through.lastSeq),
      shardCounts: Object.fromEntries(records.all().map((s) => [s.name, s.shardCount])),
      writtenAt: new Date().toISOString(),
    };
    await writeManifest(fs, deps.dir, next);
    manifest = next;
    // 4. Only garbage is left: covered segments, old shard layouts, chunks beyond retention.
    for (const [name, count] of retired) {
      await removeShardLayout(fs, deps.recordsDir, name, count);
      retired.delete(name);
    }
    await journal.removeThrough(through.batch);
    await feed.enforceRetention();
    return { throughBatch: through.batch, shardsWritten };
  };

  return {
    async run() {
      while (current) await current.catch(() => undefined);
      current = checkpoint().finally(() => {
        current = null;
      });
      return current;
    },
    needed,
    busy: () => current !== null,
  };
}
