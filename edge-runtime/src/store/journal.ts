import { join } from 'node:path';
import type { CommitEntry } from '@outpost/core/ports';
import { readLowdbFile, TEMP_SUFFIX, writeLowdbFile } from './atomic-file-adapter';
import { type EncodedEntry, entryJson, pad } from './encoding';
import { fsyncDir, listDir, removeFile, type StoreFs } from './store-fs';

/** One journal segment as read back: the entries of one write batch, in commit order. */
export interface JournalSegment {
  batch: number;
  firstSeq: number;
  entries: CommitEntry[];
}

/** What is written for a batch (entries pre-serialised). */
interface SegmentToWrite {
  batch: number;
  firstSeq: number;
  entries: EncodedEntry[];
}

/** A segment file's name and batch. */
export interface SegmentFile {
  batch: number;
  name: string;
  size: number;
}

/** The write-ahead journal: one small lowdb file per group-commit batch in `dir`. */
export interface Journal {
  /** Writes one batch as a new segment; resolves once it is durable. */
  append(batch: number, firstSeq: number, entries: EncodedEntry[]): Promise<void>;
  /** Reads the segments newer than `afterBatch` in batch order; drops older leftovers and temp files. */
  recover(afterBatch: number): Promise<JournalSegment[]>;
  /** Deletes the segments with batch ≤ `throughBatch` (their content is checkpointed). */
  removeThrough(throughBatch: number): Promise<void>;
  /** Live segment count. */
  fileCount(): number;
  /** Live segment bytes (approximate). */
  byteCount(): number;
}

const SEGMENT_NAME = /^(\d+)-(\d+)\.json$/;

/** The segment files in `dir` in batch order, and the temp files beside them. */
export async function listSegments(
  fs: StoreFs,
  dir: string,
): Promise<{ segments: SegmentFile[]; temps: string[] }> {
  const segments: SegmentFile[] = [];
  const temps: string[] = [];
  for (const name of await listDir(fs, dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (match) segments.push({ batch: Number(match[2]), name, size: 0 });
    else if (name.endsWith(TEMP_SUFFIX)) temps.push(name);
  }
  segments.sort((a, b) => a.batch - b.batch);
  return { segments, temps };
}

/** Reads one segment file; null when it no longer exists. */
export async function readSegment(fs: StoreFs, path: string): Promise<JournalSegment | null> {
  const segment = await readLowdbFile<JournalSegment>(path, fs);
  if (segment && !Array.isArray(segment.entries)) throw new Error(`journal segment ${path} is unreadable`);
  return segment;
}

/** Opens the journal in `dir` (which must exist). */
export function createJournal(dir: string, fs: StoreFs): Journal {
  const files: SegmentFile[] = [];
  let bytes = 0;

  const track = (file: SegmentFile): void => {
    files.push(file);
    bytes += file.size;
  };

  return {
    async append(batch, firstSeq, entries) {
      // The name leads with the first seq so a listing reads like the feed; the batch number
      // keeps names unique and is the replay order.
      const name = `${pad(firstSeq)}-${pad(batch, 10)}.json`;
      const path = join(dir, name);
      let size = 0;
      const encode = (segment: SegmentToWrite): string => {
        const text = `{"batch":${segment.batch},"firstSeq":${segment.firstSeq},"entries":[\n${segment.entries.map(entryJson).join(',\n')}\n]}\n`;
        size = text.length;
        return text;
      };
      try {
        await writeLowdbFile<SegmentToWrite>(path, { batch, firstSeq, entries }, { fs, encode });
      } catch (err) {
        // The rename may have happened before a later step failed. The waiting commits are
        // rejected, so make a best effort not to replay them after a restart either.
        await removeFile(fs, path).catch(() => undefined);
        throw err;
      }
      track({ batch, name, size });
    },

    async recover(afterBatch) {
      const { segments: found, temps } = await listSegments(fs, dir);
      // A temp file is a write that never reached its rename: its batch was never acknowledged.
      for (const name of temps) await removeFile(fs, join(dir, name));
      const segments: JournalSegment[] = [];
      for (const file of found) {
        const path = join(dir, file.name);
        // Left over from a checkpoint that crashed while deleting: already in the shards.
        if (file.batch <= afterBatch) {
          await removeFile(fs, path);
          continue;
        }
        const segment = await readSegment(fs, path);
        if (!segment) throw new Error(`journal segment ${path} vanished during recovery`);
        file.size = (await fs.stat(path)).size;
        track(file);
        segments.push({ ...segment, batch: file.batch });
      }
      return segments;
    },

    async removeThrough(throughBatch) {
      let removed = 0;
      while (files.length > 0 && files[0]!.batch <= throughBatch) {
        const file = files[0]!;
        await removeFile(fs, join(dir, file.name));
        files.shift();
        bytes -= file.size;
        removed++;
      }
      // Not needed for correctness (recovery skips covered segments), but it keeps a restart
      // after power loss from re-reading files that were already retired.
      if (removed > 0) await fsyncDir(fs, dir);
    },

    fileCount: () => files.length,
    byteCount: () => bytes,
  };
}
