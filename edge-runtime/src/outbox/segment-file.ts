import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFrame, type OutboxRecord } from './record-codec';

/** One segment file of the outbox, as the outbox tracks it in memory. */
export interface Segment {
  path: string;
  /** The seq of its first record, taken from the file name. */
  firstSeq: number;
  /** Its last seq (firstSeq - 1 when empty); until scanned, an upper bound from the next segment's name. */
  lastSeq: number;
  /** Bytes of whole, synced records: readers never look past this. */
  size: number;
  /** Byte offset of every INDEX_STRIDE-th record (seq firstSeq + i × stride); null until scanned. */
  index: number[] | null;
}

// A sparse index: one offset per 64 records keeps a full 1 GiB outbox of small messages at a few
// hundred KB of memory, and a read scans at most 63 records before the first one it returns.
/** Records between two entries of a segment's index. */
export const INDEX_STRIDE = 64;

const NAME = /^(\d{16})\.seg$/;
// Large enough that a tailing reader catches up in a few reads, small enough to bound memory per read.
const READ_CHUNK_BYTES = 1024 * 1024;

/** The file name of the segment starting at `firstSeq`; zero-padded so names sort as seqs. */
export function segmentFileName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.seg`;
}

/** The segment files in `dir`, oldest first; other files are ignored. */
export async function listSegmentFiles(dir: string): Promise<{ path: string; firstSeq: number }[]> {
  const names = await readdir(dir);
  return names
    .map((name) => ({ name, match: NAME.exec(name) }))
    .filter((x) => x.match !== null)
    .map((x) => ({ path: join(dir, x.name), firstSeq: Number(x.match![1]) }))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

/** What a full scan of a segment file found. */
export interface SegmentScan {
  /** Bytes of valid records from the start. */
  validBytes: number;
  fileBytes: number;
  lastSeq: number;
  index: number[];
  /** Why the scan stopped before the end of the file, if it did. */
  problem?: string;
}

/** Reads a whole segment and checks every frame: lengths, CRCs and contiguous seqs from `firstSeq`. */
export async function scanSegment(path: string, firstSeq: number): Promise<SegmentScan> {
  const buf = await readFile(path);
  const index: number[] = [];
  let offset = 0;
  let expected = firstSeq;
  let problem: string | undefined;
  while (offset < buf.length) {
    const frame = decodeFrame(buf, offset);
    if (frame.kind === 'partial') {
      problem = `torn record at byte ${offset}`;
      break;
    }
    if (frame.kind === 'invalid') {
      problem = `${frame.reason} at byte ${offset}`;
      break;
    }
    if (frame.seq !== expected) {
      problem = `seq ${frame.seq} where ${expected} was expected at byte ${offset}`;
      break;
    }
    if ((expected - firstSeq) % INDEX_STRIDE === 0) index.push(offset);
    expected += 1;
    offset += frame.size;
  }
  return {
    validBytes: offset,
    fileBytes: buf.length,
    lastSeq: expected - 1,
    index,
    ...(problem ? { problem } : {}),
  };
}

/**
 * Appends to `out` the records of `segment` with seq ≥ `fromSeq`, until `out` holds `limit` records.
 * The segment must be indexed. A segment deleted meanwhile (evicted) yields nothing.
 */
export async function readSegment(
  segment: Segment,
  fromSeq: number,
  limit: number,
  out: OutboxRecord[],
): Promise<void> {
  const end = segment.size;
  const slot = Math.max(0, Math.floor((fromSeq - segment.firstSeq) / INDEX_STRIDE));
  let offset = segment.index?.[Math.min(slot, (segment.index?.length ?? 1) - 1)] ?? 0;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(segment.path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    let chunk = READ_CHUNK_BYTES;
    while (offset < end && out.length < limit) {
      const length = Math.min(end - offset, chunk);
      const buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, offset);
      const data = buf.subarray(0, bytesRead);
      let pos = 0;
      while (out.length < limit && pos < data.length) {
        const frame = decodeFrame(data, pos);
        if (frame.kind !== 'record') break;
        if (frame.seq >= fromSeq) out.push(frame.decode());
        pos += frame.size;
      }
      if (pos > 0) {
        offset += pos;
        continue;
      }
      // Not one whole record in the chunk: a record larger than the chunk gets one read sized for
      // it; anything else (damage at rest, a file cut short) ends the segment here.
      const frame = decodeFrame(data, 0);
      const needed = frame.kind === 'partial' ? (frame.size ?? 0) : 0;
      if (needed <= length || needed > end - offset) return;
      chunk = needed;
    }
  } finally {
    await handle.close();
  }
}
