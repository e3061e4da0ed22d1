import { join } from 'node:path';
import { listSegments, readSegment } from './journal';
import { readManifest } from './manifest';
import { readShards } from './shards';
import { defaultStoreFs, type StoreFs } from './store-fs';

// A running hub's checkpoint can retire files under a reader; it then simply reads again.
const ATTEMPTS = 10;

/**
 * Reads one collection from a store directory without opening the store: no recovery, no writes,
 * safe while a hub runs on it (for CLI commands). Missing directory → empty map.
 */
export async function readStoreCollection(
  dir: string,
  collection: string,
  fs: StoreFs = defaultStoreFs,
): Promise<Map<string, unknown>> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const result = await readOnce(fs, dir, collection);
    if (result) return result;
  }
  throw new Error(`${dir} kept changing while being read; try again`);
}

/** One consistent read, or null when a checkpoint finished meanwhile. */
async function readOnce(fs: StoreFs, dir: string, collection: string): Promise<Map<string, unknown> | null> {
  const manifest = await readManifest(fs, dir);
  const docs = new Map<string, unknown>();
  const count = manifest.shardCounts[collection];
  if (count !== undefined) {
    const files = await readShards(fs, join(dir, 'records'), collection, count, { removeStale: false });
    for (const file of files) {
      for (const [id, doc] of Object.entries(file.records)) docs.set(id, doc);
    }
  }
  const journalDir = join(dir, 'journal');
  for (const file of (await listSegments(fs, journalDir)).segments) {
    if (file.batch <= manifest.batch) continue;
    // A missing segment was retired by a checkpoint: the manifest check below catches that.
    for (const entry of (await readSegment(fs, join(journalDir, file.name)))?.entries ?? []) {
      for (const w of entry.writes) {
        if (w.collection !== collection) continue;
        if (w.doc === null) docs.delete(w.id);
        else docs.set(w.id, w.doc);
      }
    }
  }
  // Segments are deleted only after a new manifest is written: an unchanged manifest means
  // none that this read needed went missing.
  const after = await readManifest(fs, dir);
  return after.batch === manifest.batch && after.writtenAt === manifest.writtenAt ? docs : null;
}
