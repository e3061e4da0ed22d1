import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  HubError,
  type Logger,
  type RawTelemetryMessage,
  silentLogger,
  type TelemetryMessage,
  type TelemetrySink,
} from '@outpost/core';
import { readCursorFile, writeCursorFile } from './durable-file';
import {
  type EncodedMessage,
  encodeMessage,
  encodeRawMessage,
  type OutboxRecord,
  toRecord,
} from './record-codec';
import { openSegmentLog, type SegmentLog } from './segment-log';

/**
 * What happens when the budget is full. `drop-oldest` deletes the oldest segment (its undrained
 * records are lost and counted). `reject-new` keeps undrained records and rejects the append with
 * HubError QUEUE_FULL, so the gateway withholds the PUBACK and the device keeps (and resends) it.
 */
export type DropPolicy = 'drop-oldest' | 'reject-new';

/** Options of {@link openTelemetryOutbox}. */
export interface TelemetryOutboxOptions {
  /** The outbox's own directory (the runtime uses `DATA_DIR/outbox/telemetry`). */
  dir: string;
  /** Disk budget for all segments. Default 1 GiB; at least two segments. */
  budgetBytes?: number;
  /** A segment is closed and a new one started past this size. Default 16 MiB; at least 4 KiB. */
  segmentBytes?: number;
  /** Default `drop-oldest`. */
  dropPolicy?: DropPolicy;
  logger?: Logger;
}

/** Counters and positions of the outbox. */
export interface TelemetryOutboxStats {
  /** Oldest retained seq (equal to nextSeq when nothing is retained). */
  firstSeq: number;
  /** Newest durable seq (firstSeq - 1 when nothing is retained). */
  lastSeq: number;
  nextSeq: number;
  /** The durable cursor: records up to here were taken over by the consumer. */
  cursor: number;
  segments: number;
  bytes: number;
  budgetBytes: number;
  segmentBytes: number;
  dropPolicy: DropPolicy;
  /** Since open: records made durable, writes (each one fdatasync), failed writes. */
  appended: number;
  batches: number;
  failedBatches: number;
  /** Since open: undrained records deleted by drop-oldest, and appends refused for lack of room. */
  droppedRecords: number;
  rejectedRecords: number;
  /** Bytes of a torn tail cut off when opening. */
  truncatedBytes: number;
}

/** The durable telemetry queue: a TelemetrySink plus reading, live notification and a cursor. */
export interface TelemetryOutbox extends TelemetrySink {
  /** Like `append`, resolving with the record's seq once it is on disk. */
  appendWithSeq(message: TelemetryMessage): Promise<number>;
  /** Retained records with seq ≥ fromSeq, oldest first, at most `limit` (records dropped meanwhile are skipped). */
  read(fromSeq: number, limit: number): Promise<OutboxRecord[]>;
  /** Calls `listener` with every record once it is durable, in seq order; returns the unsubscribe function. */
  subscribe(listener: (record: OutboxRecord) => void): () => void;
  /** Durably moves the cursor forward to `seq` (for the upstream sync); lower values are ignored. */
  advanceCursor(seq: number): Promise<void>;
  stats(): TelemetryOutboxStats;
  /** Waits for pending appends, then closes files; later appends reject with SERVICE_UNAVAILABLE. */
  close(): Promise<void>;
}

/** Default disk budget: 1 GiB. */
export const DEFAULT_OUTBOX_BUDGET_BYTES = 1024 ** 3;
/** Default segment size: 16 MiB. */
export const DEFAULT_OUTBOX_SEGMENT_BYTES = 16 * 1024 ** 2;
// One write of at most 4 MiB (and at most a segment, so a batch always fits the budget): a backlog
// becomes a few large writes, not one huge latency spike.
const MAX_BATCH_BYTES = 4 * 1024 ** 2;

interface Pending {
  encoded: EncodedMessage;
  /** True for appendWithSeq (resolves with the seq), false for append (resolves with nothing). */
  withSeq: boolean;
  resolve(seq: number | undefined): void;
  reject(err: unknown): void;
}

/** Opens (or creates) the telemetry outbox in `options.dir`, recovering from a crash if needed. */
export async function openTelemetryOutbox(options: TelemetryOutboxOptions): Promise<TelemetryOutbox> {
  const budgetBytes = options.budgetBytes ?? DEFAULT_OUTBOX_BUDGET_BYTES;
  const segmentBytes = options.segmentBytes ?? DEFAULT_OUTBOX_SEGMENT_BYTES;
  const dropPolicy = options.dropPolicy ?? 'drop-oldest';
  const logger = options.logger ?? silentLogger;
  validateOptions(budgetBytes, segmentBytes, dropPolicy);

  const cursorPath = join(options.dir, 'cursor.json');
  let cursor = await readCursorFile(cursorPath);
  // Seqs never go back, even if every segment was deleted by hand after the consumer took them.
  const log: SegmentLog = await openSegmentLog({
    dir: options.dir,
    segmentBytes,
    minNextSeq: cursor + 1,
    logger,
  });
  const maxBatchBytes = Math.min(segmentBytes, MAX_BATCH_BYTES);
  const counters = { appended: 0, batches: 0, failedBatches: 0, droppedRecords: 0, rejectedRecords: 0 };
  const listeners = new Set<(record: OutboxRecord) => void>();
  const queue: Pending[] = [];
  let writing: Promise<void> | null = null;
  let cursorWrite: Promise<void> = Promise.resolve();
  let closed = false;

  const lastSeq = () => log.nextSeq() - 1;
  const drained = (lastOfSegment: number) => lastOfSegment <= cursor;

  /** Frees space for `bytes` more by the policy; false when that is not allowed or not possible. */
  async function makeRoom(bytes: number): Promise<boolean> {
    while (log.bytes() + bytes > budgetBytes) {
      const oldest = log.segments[0]!;
      const isActive = log.segments.length === 1;
      if (dropPolicy === 'reject-new' && !drained(oldest.lastSeq)) return false;
      if (isActive) {
        if (oldest.size === 0) return false; // the record alone is larger than the budget
        await log.roll();
        continue;
      }
      const dropped = await log.dropOldest();
      const lost = Math.max(0, dropped.lastSeq - Math.max(dropped.firstSeq - 1, cursor));
      if (lost > 0) {
        counters.droppedRecords += lost;
        logger.warn('telemetry outbox full: dropped the oldest undelivered records', {
          firstSeq: Math.max(dropped.firstSeq, cursor + 1),
          lastSeq: dropped.lastSeq,
          records: lost,
          budgetBytes,
        });
      }
    }
    return true;
  }

  function take(): Pending[] {
    let n = 0;
    let size = 0;
    while (n < queue.length && (n === 0 || size + queue[n]!.encoded.size <= maxBatchBytes)) {
      size += queue[n]!.encoded.size;
      n++;
    }
    return queue.splice(0, n);
  }

  async function writeBatch(batch: Pending[]): Promise<void> {
    let batchBytes = 0;
    for (const pending of batch) batchBytes += pending.encoded.size;
    // The usual case: the whole batch fits the budget, so no record needs room made (nor an await).
    const accepted: Pending[] = log.bytes() + batchBytes <= budgetBytes ? batch : [];
    let bytes = 0;
    for (let i = accepted === batch ? batch.length : 0; i < batch.length; i++) {
      const pending = batch[i]!;
      if (await makeRoom(bytes + pending.encoded.size)) {
        accepted.push(pending);
        bytes += pending.encoded.size;
        continue;
      }
      // reject-new refuses the rest too: a later, smaller message must not overtake a refused one.
      const refused = dropPolicy === 'reject-new' ? batch.slice(i) : [pending];
      for (const r of refused) r.reject(queueFull(budgetBytes, dropPolicy));
      counters.rejectedRecords += refused.length;
      if (dropPolicy === 'reject-new') break;
    }
    if (accepted.length === 0) return;
    let first: number;
    try {
      first = await log.append(accepted.map((p) => p.encoded));
    } catch (err) {
      counters.failedBatches++;
      logger.error('telemetry outbox write failed', { records: accepted.length, error: String(err) });
      for (const p of accepted) p.reject(err);
      return;
    }
    counters.batches++;
    counters.appended += accepted.length;
    // Records for listeners are built only when someone listens.
    const records =
      listeners.size === 0
        ? []
        : accepted.map((p, i): OutboxRecord => {
            const encoded = p.encoded;
            return encoded.raw
              ? toRecord(encoded.message, first + i, encoded.message.body)
              : { ...encoded.message, seq: first + i };
          });
    for (let i = 0; i < accepted.length; i++) {
      const p = accepted[i]!;
      p.resolve(p.withSeq ? first + i : undefined);
    }
    for (const record of records) notify(record);
  }

  function notify(record: OutboxRecord): void {
    for (const listener of listeners) {
      try {
        listener(record);
      } catch (err) {
        logger.error('telemetry outbox listener failed', { seq: record.seq, error: String(err) });
      }
    }
  }

  async function run(): Promise<void> {
    // Appends issued in the same turn of the event loop share one write and one fdatasync.
    await nextTurn();
    while (queue.length > 0) await writeBatch(take());
    writing = null;
  }

  /** Queues `message` for the next batch; resolves with its seq (withSeq) or nothing once it is durable. */
  function enqueue<T>(
    message: TelemetryMessage | RawTelemetryMessage,
    raw: boolean,
    withSeq: boolean,
  ): Promise<T> {
    if (closed) return Promise.reject(new HubError('SERVICE_UNAVAILABLE', 'The telemetry outbox is closed.'));
    let encoded: EncodedMessage;
    try {
      encoded = raw
        ? encodeRawMessage(message as RawTelemetryMessage)
        : encodeMessage(message as TelemetryMessage);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => {
      queue.push({ encoded, withSeq, resolve: resolve as Pending['resolve'], reject });
      writing ??= run();
    });
  }

  const outbox: TelemetryOutbox = {
    appendWithSeq: (message) => enqueue<number>(message, false, true),
    // Its own promise rather than an async wrapper around appendWithSeq: one promise per message.
    append: (message) => enqueue<void>(message, false, false),
    // The gateway's path: the bag is stored raw and parsed when a record is read.
    appendRaw: (message) => enqueue<void>(message, true, false),
    read(fromSeq, limit) {
      if (closed)
        return Promise.reject(new HubError('SERVICE_UNAVAILABLE', 'The telemetry outbox is closed.'));
      return log.read(Math.max(1, Math.floor(fromSeq)), Math.max(0, Math.floor(limit)));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    advanceCursor(seq) {
      if (!Number.isSafeInteger(seq) || seq > lastSeq()) {
        return Promise.reject(
          new HubError('INVALID_ARGUMENT', `The cursor must be a seq up to ${lastSeq()}, not ${seq}.`),
        );
      }
      cursorWrite = cursorWrite.then(async () => {
        if (seq <= cursor) return;
        await writeCursorFile(cursorPath, seq);
        cursor = seq;
      });
      return cursorWrite;
    },
    stats() {
      const firstSeq = log.segments[0]?.firstSeq ?? log.nextSeq();
      return {
        firstSeq,
        lastSeq: lastSeq(),
        nextSeq: log.nextSeq(),
        cursor,
        segments: log.segments.length,
        bytes: log.bytes(),
        budgetBytes,
        segmentBytes,
        dropPolicy,
        ...counters,
        truncatedBytes: log.truncatedBytes,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      while (writing) await writing;
      await cursorWrite.catch(() => undefined);
      listeners.clear();
      await log.close();
    },
  };
  return outbox;
}

function queueFull(budgetBytes: number, policy: DropPolicy): HubError {
  return new HubError(
    'QUEUE_FULL',
    policy === 'reject-new'
      ? `The telemetry outbox is full (budget ${budgetBytes} bytes, policy reject-new).`
      : `The telemetry record is larger than the outbox budget of ${budgetBytes} bytes.`,
  );
}

function validateOptions(budgetBytes: number, segmentBytes: number, dropPolicy: DropPolicy): void {
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 4096) {
    throw new RangeError(`segmentBytes must be a whole number of at least 4096, not ${segmentBytes}`);
  }
  // Space is freed a whole segment at a time, so the budget must hold more than the active one.
  if (!Number.isSafeInteger(budgetBytes) || budgetBytes < 2 * segmentBytes) {
    throw new RangeError(
      `budgetBytes must be at least twice segmentBytes (${2 * segmentBytes}), not ${budgetBytes}`,
    );
  }
  if (dropPolicy !== 'drop-oldest' && dropPolicy !== 'reject-new') {
    throw new RangeError(`dropPolicy must be drop-oldest or reject-new, not ${String(dropPolicy)}`);
  }
}
