import { join } from 'node:path';
import { readLowdbFile, TEMP_SUFFIX, writeLowdbFile } from './atomic-file-adapter';
import { collectionDirName } from './encoding';
import { ensureDir, listDir, removeFile, type StoreFs } from './store-fs';

/** A snapshot shard file as read back. */
export interface ShardFile {
  collection: string;
  shard: number;
  shardCount: number;
  /** Every journal batch up to this one is reflected in the file. */
  batch: number;
  records: Record<string, unknown>;
}

/** A shard about to be written, its documents already JSON. */
export interface ShardToWrite {
  collection: string;
  shard: number;
  shardCount: number;
  batch: number;
  records: Map<string, string>;
}

// The shard count is part of the name so that files of an old layout can never be mistaken for
// (or overwritten as) files of a new one while a re-shard is under way.
const SHARD_NAME = /^(\d+)-of-(\d+)\.json$/;

/** The file name of shard `shard` of `shardCount`. */
export function shardFileName(shard: number, shardCount: number): string {
  return `${String(shard).padStart(String(shardCount - 1).length, '0')}-of-${shardCount}.json`;
}

/** Writes one shard atomically and durably as `records/<collection>/<shard>-of-<count>.json`. */
export async function writeShard(fs: StoreFs, recordsDir: string, shard: ShardToWrite): Promise<void> {
  const dir = join(recordsDir, collectionDirName(shard.collection));
  await ensureDir(fs, dir);
  await writeLowdbFile(join(dir, shardFileName(shard.shard, shard.shardCount)), shard, {
    fs,
    encode: encodeShard,
  });
}

function encodeShard(shard: ShardToWrite): string {
  const records: string[] = [];
  // Documents are kept as JSON text, so a shard is assembled, not re-serialised: the event loop
  // is busy for microseconds per shard rather than for a full JSON.stringify.
  for (const [id, doc] of shard.records) records.push(`${JSON.stringify(id)}:${doc}`);
  const head = `{"collection":${JSON.stringify(shard.collection)},"shard":${shard.shard},"shardCount":${shard.shardCount},"batch":${shard.batch},`;
  return `${head}"records":{\n${records.join(',\n')}\n}}\n`;
}

/**
 * Reads the shard files of `collection` written with `shardCount`. With `removeStale`, deletes temp
 * files and files of other shard counts (an abandoned or finished re-shard) that the manifest does
 * not vouch for.
 */
export async function readShards(
  fs: StoreFs,
  recordsDir: string,
  collection: string,
  shardCount: number | undefined,
  options: { removeStale: boolean },
): Promise<ShardFile[]> {
  const dir = join(recordsDir, collectionDirName(collection));
  const shards: ShardFile[] = [];
  for (const name of await listDir(fs, dir)) {
    const match = SHARD_NAME.exec(name);
    const path = join(dir, name);
    if (match && Number(match[2]) === shardCount) {
      const file = await readLowdbFile<ShardFile>(path, fs);
      // Gone since the listing: only possible for a read-only reader racing a re-shard, which
      // notices the new manifest and reads again.
      if (!file) continue;
      if (typeof file.records !== 'object' || file.records === null) {
        throw new Error(`shard file ${path} is unreadable`);
      }
      shards.push(file);
    } else if (options.removeStale && (match || name.endsWith(TEMP_SUFFIX))) {
      await removeFile(fs, path);
    }
  }
  return shards;
}

/** Deletes the shard files of `collection` written with `shardCount` (after a re-shard). */
export async function removeShardLayout(
  fs: StoreFs,
  recordsDir: string,
  collection: string,
  shardCount: number,
): Promise<void> {
  const dir = join(recordsDir, collectionDirName(collection));
  for (const name of await listDir(fs, dir)) {
    if (SHARD_NAME.exec(name)?.[2] === String(shardCount)) await removeFile(fs, join(dir, name));
  }
}
