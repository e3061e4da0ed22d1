import type { CommitEntry } from '@outpost/core/ports';

/** One record write with its document already serialised (`null` = delete). */
export interface EncodedWrite {
  collection: string;
  id: string;
  doc: string | null;
}

/** A commit entry serialised at call time, so later mutations by the caller cannot leak in. */
export interface EncodedEntry {
  seq: number | null;
  change: string | null;
  writes: EncodedWrite[];
  /** Approximate size in bytes (UTF-16 length), for batch and journal budgets. */
  size: number;
}

/** Serialises a commit entry; throws a TypeError when part of it is not JSON. */
export function encodeEntry(entry: CommitEntry): EncodedEntry {
  if (!entry || !Array.isArray(entry.writes)) throw new TypeError('commit entry needs a writes array');
  const seq = entry.change?.seq;
  if (entry.change !== undefined && !(Number.isSafeInteger(seq) && (seq as number) > 0)) {
    throw new TypeError('change.seq must be a positive integer');
  }
  const change = entry.change === undefined ? null : toJson(entry.change, 'change');
  let size = change?.length ?? 0;
  const writes = entry.writes.map((w): EncodedWrite => {
    if (typeof w.collection !== 'string' || w.collection === '') {
      throw new TypeError('record write needs a non-empty collection name');
    }
    if (typeof w.id !== 'string') throw new TypeError(`record write in ${w.collection} needs a string id`);
    const doc = w.doc === null ? null : toJson(w.doc, `${w.collection}/${w.id}`);
    size += (doc?.length ?? 4) + w.collection.length + w.id.length + 40;
    return { collection: w.collection, id: w.id, doc };
  });
  return { seq: seq ?? null, change, writes, size };
}

/** The JSON text of an encoded entry as it appears in a journal segment. */
export function entryJson(entry: EncodedEntry): string {
  const writes = entry.writes.map(
    (w) =>
      `{"collection":${JSON.stringify(w.collection)},"id":${JSON.stringify(w.id)},"doc":${w.doc ?? 'null'}}`,
  );
  const change = entry.change === null ? '' : `"change":${entry.change},`;
  return `{${change}"writes":[${writes.join(',')}]}`;
}

function toJson(value: unknown, what: string): string {
  const text = JSON.stringify(value);
  // JSON.stringify returns undefined for undefined, functions and symbols: not storable.
  if (typeof text !== 'string') throw new TypeError(`${what} is not JSON-serialisable`);
  return text;
}

/** The shard of `id` among `count`: FNV-1a over UTF-16 code units, stable across runs and versions. */
export function shardOf(id: string, count: number): number {
  if (count <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/** A collection name as a safe directory name: `[A-Za-z0-9_-]` kept, everything else `%XX`-escaped. */
export function collectionDirName(name: string): string {
  return encodeURIComponent(name).replace(
    /[.!~*'()]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** Left-pads a non-negative integer so names sort in numeric order in a directory listing. */
export function pad(n: number, width = 12): string {
  return String(n).padStart(width, '0');
}
