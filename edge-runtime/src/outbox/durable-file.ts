import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Flushes a directory's entries, making files created, renamed or removed in it durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `path` with `text` atomically and durably (temp file, fsync, rename, directory fsync). */
export async function writeFileDurably(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}

/** The outbox's durable cursor: the last seq the consumer (the upstream sync) has taken over. */
export async function readCursorFile(path: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const value = (JSON.parse(text) as { cursor?: unknown }).cursor;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`The outbox cursor file ${path} holds no valid cursor.`);
  }
  return value;
}

/** Stores the cursor durably. */
export function writeCursorFile(path: string, cursor: number): Promise<void> {
  return writeFileDurably(path, `${JSON.stringify({ cursor })}\n`);
}
