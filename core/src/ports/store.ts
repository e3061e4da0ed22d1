import type { Change } from '../contracts/change';

/** The after-image of one stored record, or `doc: null` when the record is deleted. */
export interface RecordWrite {
  collection: string;
  id: string;
  doc: unknown | null;
}

/** One durable unit: the change-feed entry (if any) and the record writes it implies. */
export interface CommitEntry {
  change?: Change;
  writes: RecordWrite[];
}

/** Everything the store holds, as loaded at start. */
export interface StoreSnapshot {
  /** collection name → id → document. */
  collections: Map<string, Map<string, unknown>>;
  /** The highest change seq ever committed (0 when none). */
  lastSeq: number;
}

/**
 * Durable storage for the hub. Core applies a mutation in memory, then awaits `commit`;
 * the promise resolves only once the entry is on disk (fsync'd), so an answer that promises
 * durability is sent after it. Implementations group concurrent commits into one write.
 */
export interface StorePort {
  /** Reads everything back; called once before any commit. */
  load(): Promise<StoreSnapshot>;
  /** Makes the entry durable. Entries are committed in call order. */
  commit(entry: CommitEntry): Promise<void>;
  /** Retained changes with seq > afterSeq, in order, at most `limit`. */
  readChanges(afterSeq: number, limit: number): Promise<Change[]>;
  /** The oldest seq still retained (lastSeq + 1 when nothing is retained). */
  firstRetainedSeq(): number;
  /** Disk usage in bytes, for statistics. */
  sizeBytes(): Promise<number>;
  /** Writes everything pending and closes files; later commits fail. */
  close(): Promise<void>;
}
