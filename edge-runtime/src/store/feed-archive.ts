import { join } from 'node:path';
import type { Change } from '@outpost/core/contracts';
import { readLowdbFile, TEMP_SUFFIX, writeLowdbFile } from './atomic-file-adapter';
import { pad } from './encoding';
import { hasErrorCode, listDir, removeFile, type StoreFs } from './store-fs';

/** One change held as JSON text, with the journal batch that made it durable. */
interface HeldChange {
  seq: number;
  batch: number;
  json: string;
}

interface ChunkInfo {
  firstSeq: number;
  lastSeq: number;
  name: string;
}

/** The newest, still-growing chunk: its content stays in memory, its file is rewritten whole. */
interface OpenChunk extends ChunkInfo {
  changes: HeldChange[];
}

interface ChunkFile {
  firstSeq: number;
  lastSeq: number;
  changes: Change[];
}

/** The change feed beyond the journal: archive chunks `feed/<firstSeq>-<lastSeq>.json`. */
export interface FeedArchive {
  /** Reads the chunks back; returns the highest archived seq (0 when none). */
  recover(): Promise<number>;
  /** Holds a change that is durable in journal batch `batch` but not archived yet. */
  hold(seq: number, batch: number, json: string): void;
  /** Archives the held changes of batches ≤ `throughBatch`; each chunk is written atomically. */
  archiveThrough(throughBatch: number): Promise<void>;
  /** Deletes the oldest closed chunks while the archive spans more than the retention (in seqs). */
  enforceRetention(): Promise<void>;
  /** Retained changes with seq > afterSeq, in order, at most `limit` (fresh objects). */
  read(afterSeq: number, limit: number): Promise<Change[]>;
  /** The oldest retained seq, or null when nothing is retained. */
  firstSeq(): number | null;
  /** The number of chunk files. */
  chunkCount(): number;
}

const CHUNK_NAME = /^(\d+)-(\d+)\.json$/;
// Parsed closed chunks kept for readers paging through the archive (each chunk is read ~twice
// by a reader paging 1,000 at a time).
const CHUNK_CACHE_SIZE = 4;

/** Opens the feed archive in `dir` (which must exist) keeping about `retention` changes. */
export function createFeedArchive(dir: string, fs: StoreFs, retention: number): FeedArchive {
  // Chunks of ~1/16 of the retention so retention drops in small steps; capped so that a reader
  // asking for old changes never parses more than ~1 MB at once.
  const chunkSpan = Math.max(1, Math.min(2048, Math.ceil(retention / 16)));
  const closed: ChunkInfo[] = [];
  let open: OpenChunk | null = null;
  const held: HeldChange[] = [];
  const cache = new Map<string, Change[]>();

  const chunkName = (firstSeq: number, lastSeq: number): string => `${pad(firstSeq)}-${pad(lastSeq)}.json`;

  const writeChunk = async (chunk: OpenChunk): Promise<void> => {
    const encode = (c: OpenChunk): string =>
      `{"firstSeq":${c.firstSeq},"lastSeq":${c.lastSeq},"changes":[\n${c.changes.map((h) => h.json).join(',\n')}\n]}\n`;
    await writeLowdbFile(join(dir, chunk.name), chunk, { fs, encode });
  };

  const readChunk = async (chunk: ChunkInfo): Promise<Change[]> => {
    const cached = cache.get(chunk.name);
    if (cached) return cached;
    let file: ChunkFile | null;
    try {
      file = await readLowdbFile<ChunkFile>(join(dir, chunk.name), fs);
    } catch (err) {
      if (!hasErrorCode(err, 'ENOENT')) throw err;
      file = null;
    }
    // Dropped by retention while we were reading: the reader sees the gap via firstRetainedSeq.
    const changes = file?.changes ?? [];
    cache.set(chunk.name, changes);
    if (cache.size > CHUNK_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return changes;
  };

  const pushNewer = (out: Change[], list: HeldChange[], after: number, limit: number): void => {
    for (let i = firstAbove(list, after); i < list.length && out.length < limit; i++) {
      out.push(JSON.parse(list[i]!.json) as Change);
    }
  };

  return {
    async recover() {
      const found: ChunkInfo[] = [];
      for (const name of await listDir(fs, dir)) {
        const match = CHUNK_NAME.exec(name);
        if (match) found.push({ firstSeq: Number(match[1]), lastSeq: Number(match[2]), name });
        else if (name.endsWith(TEMP_SUFFIX)) await removeFile(fs, join(dir, name));
      }
      found.sort((a, b) => a.firstSeq - b.firstSeq || b.lastSeq - a.lastSeq);
      let covered = 0;
      for (const chunk of found) {
        // A grown open chunk is written under a new name before the old one is deleted; a crash
        // in between leaves the smaller file, wholly contained in the larger one.
        if (chunk.lastSeq <= covered) await removeFile(fs, join(dir, chunk.name));
        else {
          closed.push(chunk);
          covered = chunk.lastSeq;
        }
      }
      const last = closed.at(-1);
      if (last && last.lastSeq - last.firstSeq + 1 < chunkSpan) {
        closed.pop();
        const file = await readLowdbFile<ChunkFile>(join(dir, last.name), fs);
        const changes = (file?.changes ?? []).map((c) => ({ seq: c.seq, batch: 0, json: JSON.stringify(c) }));
        open = { ...last, changes };
      }
      return covered;
    },

    hold(seq, batch, json) {
      held.push({ seq, batch, json });
    },

    async archiveThrough(throughBatch) {
      let n = 0;
      while (n < held.length && held[n]!.batch <= throughBatch) n++;
      if (n === 0) return;
      if (retention <= 0) {
        held.splice(0, n);
        return;
      }
      const previous = open;
      const full: OpenChunk[] = [];
      let next: OpenChunk | null = previous ? { ...previous, changes: [...previous.changes] } : null;
      for (const change of held.slice(0, n)) {
        next ??= { firstSeq: change.seq, lastSeq: change.seq, name: '', changes: [] };
        next.changes.push(change);
        next.lastSeq = change.seq;
        if (next.lastSeq - next.firstSeq + 1 >= chunkSpan) {
          full.push(next);
          next = null;
        }
      }
      const written = next ? [...full, next] : full;
      for (const chunk of written) {
        chunk.name = chunkName(chunk.firstSeq, chunk.lastSeq);
        await writeChunk(chunk);
      }
      // Only now, with every chunk durable, does the in-memory view move on.
      for (const chunk of full) {
        closed.push({ firstSeq: chunk.firstSeq, lastSeq: chunk.lastSeq, name: chunk.name });
      }
      open = next;
      held.splice(0, n);
      // The grown chunk supersedes the previous open file (recovery would discard it anyway).
      if (previous) await removeFile(fs, join(dir, previous.name));
    },

    async enforceRetention() {
      const newest = open?.lastSeq ?? closed.at(-1)?.lastSeq;
      if (newest === undefined) return;
      while (closed.length > 0 && newest - closed[0]!.firstSeq + 1 > retention) {
        const oldest = closed.shift()!;
        cache.delete(oldest.name);
        await removeFile(fs, join(dir, oldest.name));
      }
    },

    async read(afterSeq, limit) {
      const out: Change[] = [];
      let after = afterSeq;
      while (out.length < limit) {
        const chunk = closed.find((c) => c.lastSeq > after);
        if (!chunk) break;
        for (const change of await readChunk(chunk)) {
          if (change.seq <= after) continue;
          // Cached objects are shared between readers; callers get their own copies.
          out.push(structuredClone(change));
          after = change.seq;
          if (out.length >= limit) return out;
        }
        after = Math.max(after, chunk.lastSeq);
      }
      // No await from here on: the in-memory tail is read in one consistent step.
      if (open) pushNewer(out, open.changes, after, limit);
      pushNewer(out, held, after, limit);
      return out;
    },

    firstSeq: () => closed[0]?.firstSeq ?? open?.firstSeq ?? held[0]?.seq ?? null,
    chunkCount: () => closed.length + (open ? 1 : 0),
  };
}

/** The index of the first change with seq > `after` (binary search; seqs ascend). */
function firstAbove(list: HeldChange[], after: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.seq > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
