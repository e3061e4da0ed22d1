import type { FileHandle } from 'node:fs/promises';
import * as nodeFs from 'node:fs/promises';
import { platform } from 'node:os';
import { dirname, join } from 'node:path';

/** The few file-system calls the store makes; injectable so tests can make a write fail or stall. */
export interface StoreFs {
  open(path: string, flags: string): Promise<FileHandle>;
  rename(oldPath: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string, options: { recursive: true }): Promise<string | undefined>;
  stat(path: string): Promise<{ size: number; isDirectory(): boolean }>;
}

const IS_WINDOWS = platform() === 'win32';

/** The real file system. */
export const defaultStoreFs: StoreFs = nodeFs;

/** Whether `err` is a Node system error with this `code`. */
export function hasErrorCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** Flushes a directory's entries, making the creates, renames and unlinks done in it durable. */
export async function fsyncDir(fs: StoreFs, dir: string): Promise<void> {
  // Windows cannot open a directory for fsync (EISDIR/EPERM); NTFS journals the rename itself.
  if (IS_WINDOWS) return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `dir` (and parents) and makes its entry durable in the parent directory. */
export async function ensureDir(fs: StoreFs, dir: string): Promise<void> {
  const created = await fs.mkdir(dir, { recursive: true });
  if (created === undefined) return;
  // A fresh directory is only reachable after a crash once its parent's entry is on disk, so
  // every level just created gets its parent flushed (deepest first).
  for (let level = dir; ; level = dirname(level)) {
    await fsyncDir(fs, dirname(level));
    if (level === created || dirname(level) === level) break;
  }
}

/** File names in `dir`, or none when it does not exist. */
export async function listDir(fs: StoreFs, dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    if (hasErrorCode(err, 'ENOENT')) return [];
    throw err;
  }
}

/** Removes a file; a file already gone is fine. */
export async function removeFile(fs: StoreFs, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (err) {
    if (!hasErrorCode(err, 'ENOENT')) throw err;
  }
}

/** The total size of the files under `dir`, in bytes. */
export async function directorySize(fs: StoreFs, dir: string): Promise<number> {
  let total = 0;
  for (const name of await listDir(fs, dir)) {
    const path = join(dir, name);
    const stat = await fs.stat(path).catch(() => null);
    if (!stat) continue;
    total += stat.isDirectory() ? await directorySize(fs, path) : stat.size;
  }
  return total;
}
