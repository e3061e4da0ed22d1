import { join } from 'node:path';
import { readLowdbFile, writeLowdbFile } from './atomic-file-adapter';
import type { StoreFs } from './store-fs';

/**
 * The checkpoint manifest: which snapshot layout is current and which journal batches it covers.
 * Writing it is the commit point of a checkpoint; only then may covered journal segments go.
 */
export interface Manifest {
  /** Every journal batch ≤ this is reflected in the shard files. */
  batch: number;
  /** The highest change seq in those batches (the feed archive may have dropped it). */
  lastSeq: number;
  /** collection → shard count of its current shard files. */
  shardCounts: Record<string, number>;
  /** When the checkpoint finished (informational). */
  writtenAt: string;
}

const MANIFEST_FILE = 'checkpoint.json';

/** An empty store's manifest. */
export const EMPTY_MANIFEST: Manifest = { batch: 0, lastSeq: 0, shardCounts: {}, writtenAt: '' };

/** Reads the manifest in `dir` (the empty one when there is none yet). */
export async function readManifest(fs: StoreFs, dir: string): Promise<Manifest> {
  const manifest = await readLowdbFile<Manifest>(join(dir, MANIFEST_FILE), fs);
  if (!manifest) return EMPTY_MANIFEST;
  if (typeof manifest.batch !== 'number' || typeof manifest.shardCounts !== 'object') {
    throw new Error(`${join(dir, MANIFEST_FILE)} is not a store manifest`);
  }
  return manifest;
}

/** Writes the manifest atomically and durably. */
export async function writeManifest(fs: StoreFs, dir: string, manifest: Manifest): Promise<void> {
  await writeLowdbFile(join(dir, MANIFEST_FILE), manifest, {
    fs,
    encode: (m) => `${JSON.stringify(m, null, 2)}\n`,
  });
}
