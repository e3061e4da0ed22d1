import type { StoreSnapshot } from '@outpost/core/ports';
import type { FeedArchive } from './feed-archive';
import type { Journal } from './journal';
import { type Manifest, readManifest } from './manifest';
import type { RecordState } from './record-state';
import { readShards } from './shards';
import { listDir, type StoreFs } from './store-fs';

/** What the files held: the snapshot for `load()` and where the journal left off. */
export interface Recovered {
  snapshot: StoreSnapshot;
  manifest: Manifest;
  /** The highest journal batch replayed (or the manifest's, when none). */
  lastBatch: number;
  /** Journal segments replayed on top of the shards. */
  replayed: number;
  /** collection → the shard count of its files when it differs from the configured count. */
  retired: Map<string, number>;
}

/** Where the store's files live. */
export interface StoreLayout {
  dir: string;
  recordsDir: string;
}

/**
 * Rebuilds the state: shard files of the manifest's layout, then every journal segment newer than
 * the manifest, in batch order. Replaying after-images in order over any snapshot at least as new as
 * the manifest yields the latest state, so shards written by an unfinished checkpoint are harmless.
 */
export async function recoverStore(
  fs: StoreFs,
  layout: StoreLayout,
  parts: { records: RecordState; journal: Journal; feed: FeedArchive },
): Promise<Recovered> {
  const { records, journal, feed } = parts;
  const manifest = await readManifest(fs, layout.dir);
  const collections = new Map<string, Map<string, unknown>>();
  const docsOf = (name: string): Map<string, unknown> => {
    let docs = collections.get(name);
    if (!docs) {
      docs = new Map();
      collections.set(name, docs);
    }
    return docs;
  };

  const names = new Set(Object.keys(manifest.shardCounts));
  for (const dirName of await listDir(fs, layout.recordsDir)) {
    const name = decodeName(dirName);
    if (name !== null) names.add(name);
  }
  const retired = new Map<string, number>();
  for (const name of names) {
    const count = manifest.shardCounts[name];
    // Files of a collection the manifest does not list come from a first checkpoint that never
    // finished; readShards deletes them and the journal still holds their content.
    const files = await readShards(fs, layout.recordsDir, name, count, { removeStale: true });
    if (count === undefined) continue;
    const docs = docsOf(name);
    for (const file of files) {
      for (const [id, doc] of Object.entries(file.records)) {
        docs.set(id, doc);
        records.restore(name, id, JSON.stringify(doc));
      }
    }
    const state = records.collection(name);
    if (state.shardCount !== count) {
      // Re-shard: the next checkpoint writes every shard of the new layout, then drops the old.
      records.markAllDirty(name);
      retired.set(name, count);
    }
  }

  const archivedThrough = await feed.recover();
  let lastSeq = Math.max(manifest.lastSeq, archivedThrough);
  let lastBatch = manifest.batch;
  const segments = await journal.recover(manifest.batch);
  for (const segment of segments) {
    lastBatch = segment.batch;
    for (const entry of segment.entries) {
      for (const w of entry.writes) {
        if (w.doc === null) docsOf(w.collection).delete(w.id);
        else docsOf(w.collection).set(w.id, w.doc);
        records.apply({
          collection: w.collection,
          id: w.id,
          doc: w.doc === null ? null : JSON.stringify(w.doc),
        });
      }
      const change = entry.change;
      if (!change) continue;
      lastSeq = Math.max(lastSeq, change.seq);
      // Already archived by a checkpoint that crashed before it could retire this segment.
      if (change.seq > archivedThrough) feed.hold(change.seq, segment.batch, JSON.stringify(change));
    }
  }
  return { snapshot: { collections, lastSeq }, manifest, lastBatch, replayed: segments.length, retired };
}

function decodeName(dirName: string): string | null {
  try {
    return decodeURIComponent(dirName);
  } catch {
    return null; // not a directory this store created
  }
}
