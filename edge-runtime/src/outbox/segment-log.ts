import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, stat, truncate, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '@outpost/core';
import { syncDirectory } from './durable-file';
import { type EncodedMessage, type OutboxRecord, writeFrame } from './record-codec';
import {
  INDEX_STRIDE,
  listSegmentFiles,
  readSegment,
  type Segment,
  scanSegment,
  segmentFileName,
} from './segment-file';

/** An append-only log of framed records in segment files; the last segment is the one written. */
export interface SegmentLog {
  /** Oldest first; the last one is the active segment. Do not mutate. */
  readonly segments: readonly Segment[];
  /** The seq the next appended record gets. */
  nextSeq(): number;
  /** Bytes of all segments. */
  bytes(): number;
  /** Bytes cut off a torn tail when the log was opened. */
  readonly truncatedBytes: number;
  /** Frames the batch with the next seqs and writes it with one write and one fdatasync; resolves with the first seq. */
  append(batch: readonly EncodedMessage[]): Promise<number>;
  /** Starts a new active segment (no-op when the active one is empty). */
  roll(): Promise<void>;
  /** Deletes the oldest segment; never the active one. */
  dropOldest(): Promise<Segment>;
  /** Records with seq ≥ fromSeq, oldest first, at most `limit`. */
  read(fromSeq: number, limit: number): Promise<OutboxRecord[]>;
  close(): Promise<void>;
}

/** Opens the log in `dir`: lists segments, truncates a torn tail of the last one, resumes its seqs. */
export async function openSegmentLog(options: {
  dir: string;
  segmentBytes: number;
  /** The least next seq (the durable cursor + 1), so seqs never repeat even if every segment is gone. */
  minNextSeq: number;
  logger: Logger;
}): Promise<SegmentLog> {
  const { dir, segmentBytes, logger } = options;
  await ensureDirectory(dir);
  const files = await listSegmentFiles(dir);
  const segments: Segment[] = [];
  for (const [i, file] of files.entries()) {
    const next = files[i + 1];
    const { size } = await stat(file.path);
    segments.push({ ...file, size, index: null, lastSeq: next ? next.firstSeq - 1 : file.firstSeq - 1 });
  }

  let truncatedBytes = 0;
  const last = segments.at(-1);
  if (last) {
    // Only the last segment can end in a torn write: a segment is complete and synced before the next exists.
    const scan = await scanSegment(last.path, last.firstSeq);
    if (scan.validBytes < scan.fileBytes) {
      truncatedBytes = scan.fileBytes - scan.validBytes;
      logger.warn('telemetry outbox: truncating a torn tail', {
        segment: last.path,
        bytes: truncatedBytes,
        reason: scan.problem,
      });
      await truncate(last.path, scan.validBytes);
    }
    Object.assign(last, { size: scan.validBytes, lastSeq: scan.lastSeq, index: scan.index });
  }

  let next = Math.max(1, options.minNextSeq, (last?.lastSeq ?? 0) + 1);
  let active: Segment = last ?? newSegment(next);
  let handle: FileHandle;
  if (last) {
    handle = await open(last.path, 'r+');
    // The truncation (if any) must be durable before new records land after it.
    await handle.datasync();
  } else {
    handle = await open(active.path, 'wx');
    await syncDirectory(dir);
    segments.push(active);
  }
  let total = segments.reduce((sum, s) => sum + s.size, 0);
  let closed = false;

  function newSegment(firstSeq: number): Segment {
    return {
      path: join(dir, segmentFileName(firstSeq)),
      firstSeq,
      lastSeq: firstSeq - 1,
      size: 0,
      index: [],
    };
  }

  async function roll(): Promise<void> {
    if (active.size === 0 && active.firstSeq === next) return;
    const segment = newSegment(next);
    const created = await open(segment.path, 'wx');
    await syncDirectory(dir);
    await handle.close();
    if (active.size === 0) {
      segments.pop();
      await unlink(active.path).catch(() => undefined);
    }
    handle = created;
    active = segment;
    segments.push(segment);
  }

  /** Scans a closed segment on its first read; damage in it ends it there (later records are unreadable). */
  async function indexSegment(segment: Segment): Promise<void> {
    let scan: Awaited<ReturnType<typeof scanSegment>>;
    try {
      scan = await scanSegment(segment.path, segment.firstSeq);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return; // dropped meanwhile
    }
    if (scan.problem) {
      logger.warn('telemetry outbox: damaged segment, reading up to the damage', {
        segment: segment.path,
        reason: scan.problem,
      });
    }
    if (segments.includes(segment)) total += scan.validBytes - segment.size;
    Object.assign(segment, { size: scan.validBytes, lastSeq: scan.lastSeq, index: scan.index });
  }

  const log: SegmentLog = {
    segments,
    nextSeq: () => next,
    bytes: () => total,
    truncatedBytes,

    async append(batch) {
      if (closed) throw new Error('the segment log is closed');
      let bytes = 0;
      for (const e of batch) bytes += e.size;
      // `next` runs ahead of the active segment after a failed write that could not be cut off again
      // (its seqs are skipped), or when the cursor is ahead: a new segment keeps seqs contiguous in each.
      if (next !== active.lastSeq + 1 || (active.size > 0 && active.size + bytes > segmentBytes)) {
        await roll();
      }
      const first = next;
      const buf = Buffer.allocUnsafe(bytes);
      // Offsets (in `buf`) of the records the segment index will hold: every INDEX_STRIDE-th.
      const indexed: number[] = [];
      let offset = 0;
      for (let i = 0; i < batch.length; i++) {
        if ((first + i - active.firstSeq) % INDEX_STRIDE === 0) indexed.push(offset);
        offset = writeFrame(buf, offset, batch[i]!, first + i);
      }
      const at = active.size;
      try {
        await writeAll(handle, buf, at);
        await handle.datasync();
      } catch (err) {
        try {
          await handle.truncate(at);
          await handle.datasync();
        } catch {
          next = first + batch.length;
        }
        throw err;
      }
      for (const rel of indexed) active.index?.push(at + rel);
      active.size += bytes;
      active.lastSeq = first + batch.length - 1;
      next = first + batch.length;
      total += bytes;
      return first;
    },

    roll,

    async dropOldest() {
      const oldest = segments[0];
      if (!oldest || oldest === active) throw new Error('the active segment cannot be dropped');
      segments.shift();
      total -= oldest.size;
      // No directory fsync: a deletion undone by a crash only brings back older records, which the
      // budget drops again; paying a sync per eviction would slow the appends waiting behind it.
      await unlink(oldest.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      return oldest;
    },

    async read(fromSeq, limit) {
      const out: OutboxRecord[] = [];
      const snapshot = [...segments];
      for (const segment of snapshot) {
        if (out.length >= limit) break;
        if (segment.lastSeq < fromSeq) continue;
        if (!segment.index) await indexSegment(segment);
        await readSegment(segment, fromSeq, limit, out);
      }
      return out;
    },

    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
  return log;
}

async function writeAll(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < buf.length) {
    const { bytesWritten } = await handle.write(buf, written, buf.length - written, position + written);
    written += bytesWritten;
  }
}

/** Creates `dir` and makes every level it created durable in its parent. */
async function ensureDirectory(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true });
  if (created === undefined) return;
  for (let level = dir; ; level = dirname(level)) {
    await syncDirectory(dirname(level));
    if (level === created || dirname(level) === level) break;
  }
}
