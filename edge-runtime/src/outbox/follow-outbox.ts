import type { OutboxRecord } from './record-codec';
import type { TelemetryOutbox } from './telemetry-outbox';

/** Options of {@link followOutbox}. */
export interface FollowOptions {
  /** The first seq to deliver (records before the oldest retained one are skipped). */
  fromSeq: number;
  /** Receives records in seq order; the next read waits for the returned promise (backpressure). */
  deliver: (records: OutboxRecord[]) => Promise<void> | void;
  /** Called once if reading or delivering fails; following stops. */
  onError: (err: unknown) => void;
  /** Records per read. Default 256. */
  batch?: number;
}

/**
 * Replays the outbox from `fromSeq`, then keeps delivering new records as they become durable.
 * Pull-based: a notification only wakes the reader, so a slow consumer holds no growing buffer and
 * simply reads later from disk (skipping what drop-oldest deleted meanwhile). Returns `stop`.
 */
export function followOutbox(outbox: TelemetryOutbox, options: FollowOptions): () => void {
  const batch = options.batch ?? 256;
  let next = options.fromSeq;
  let running = false;
  let again = false;
  let stopped = false;

  const pump = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        for (;;) {
          if (stopped) return;
          const records = await outbox.read(next, batch);
          if (stopped || records.length === 0) break;
          next = records.at(-1)!.seq + 1;
          await options.deliver(records);
        }
      } while (again && !stopped);
    } catch (err) {
      if (!stopped) {
        stopped = true;
        unsubscribe();
        options.onError(err);
      }
    } finally {
      running = false;
    }
  };

  const unsubscribe = outbox.subscribe(() => void pump());
  void pump();
  return () => {
    stopped = true;
    unsubscribe();
  };
}
