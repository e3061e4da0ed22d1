import { dirname } from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { defaultStoreFs, fsyncDir, hasErrorCode, type StoreFs } from './store-fs';

/** How an atomic lowdb file is read and written. */
export interface AtomicFileOptions<T> {
  fs?: StoreFs;
  /** Turns the data into the file's text (default `JSON.stringify`). */
  encode?: (data: T) => string;
}

/** The suffix of in-progress writes; such files are garbage after a crash and never read. */
export const TEMP_SUFFIX = '.tmp';

/**
 * A lowdb adapter whose `write` is crash-atomic and durable: temp file → fsync → rename → fsync(dir).
 * After a crash the path holds either the previous content or the new one, never a torn mix.
 */
export function createAtomicFileAdapter<T>(path: string, options: AtomicFileOptions<T> = {}): Adapter<T> {
  const fs = options.fs ?? defaultStoreFs;
  const encode = options.encode ?? ((data: T) => JSON.stringify(data));
  return {
    async read() {
      try {
        return JSON.parse(await fs.readFile(path, 'utf8')) as T;
      } catch (err) {
        if (hasErrorCode(err, 'ENOENT')) return null;
        throw err;
      }
    },
    async write(data) {
      await writeAtomically(fs, path, encode(data));
    },
  };
}

/** Writes `data` to `path` through lowdb, atomically and durably. */
export async function writeLowdbFile<T>(
  path: string,
  data: T,
  options: AtomicFileOptions<T> = {},
): Promise<void> {
  const db = new Low<T>(createAtomicFileAdapter(path, options), data);
  await db.write();
}

/** Reads a lowdb file; `null` when it does not exist. */
export async function readLowdbFile<T>(path: string, fs: StoreFs = defaultStoreFs): Promise<T | null> {
  const db = new Low<T | null>(createAtomicFileAdapter<T | null>(path, { fs }), null);
  await db.read();
  return db.data;
}

async function writeAtomically(fs: StoreFs, path: string, text: string): Promise<void> {
  // One writer per path at a time (the store serialises its writes), so a fixed temp name is
  // safe, and a leftover from a crash is simply truncated by the next write.
  const tmp = path + TEMP_SUFFIX;
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      // The bytes must be on disk before the rename publishes them; otherwise a crash can leave
      // the new name pointing at an empty or partial file (delayed allocation).
      await handle.sync();
    } finally {
      await handle.close();
    }
    // rename(2) replaces the target atomically: readers and crash recovery see old or new.
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  // The rename is a change to the directory; it survives power loss only once the directory
  // itself is flushed. This is the durable point of the write.
  await fsyncDir(fs, dirname(path));
}
