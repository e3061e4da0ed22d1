import { setImmediate as nextTurn } from 'node:timers/promises';

/** Groups concurrent submissions into batches, written one at a time in submission order. */
export interface GroupCommitter<T> {
  /** Queues an item; resolves once the batch holding it is written, rejects if that write fails. */
  submit(item: T, size: number): Promise<void>;
  /** Resolves when everything submitted so far has been written or has failed. */
  drain(): Promise<void>;
  /** Items queued but not yet handed to a write. */
  queued(): number;
}

/** Limits on one batch. */
export interface BatchLimits {
  maxItems: number;
  maxSize: number;
}

interface Waiter<T> {
  item: T;
  size: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Creates a group committer over `writeBatch`. At most one write is in flight; whatever arrives
 * meanwhile queues and becomes the next batch (pipelining), so batch size grows with load and
 * the disk is never idle while work waits.
 */
export function createGroupCommitter<T>(
  writeBatch: (items: T[]) => Promise<void>,
  limits: BatchLimits,
): GroupCommitter<T> {
  const queue: Waiter<T>[] = [];
  let running: Promise<void> | null = null;

  const take = (): Waiter<T>[] => {
    // Bounded so one huge backlog cannot turn into one huge file and a latency spike for all.
    let n = 0;
    let size = 0;
    while (n < queue.length && n < limits.maxItems && (n === 0 || size + queue[n]!.size <= limits.maxSize)) {
      size += queue[n]!.size;
      n++;
    }
    return queue.splice(0, n);
  };

  const run = async (): Promise<void> => {
    // Let the rest of this turn of the event loop submit too: commits issued together share a write.
    await nextTurn();
    while (queue.length > 0) {
      const batch = take();
      try {
        await writeBatch(batch.map((w) => w.item));
      } catch (err) {
        for (const w of batch) w.reject(err);
        continue;
      }
      for (const w of batch) w.resolve();
    }
    running = null;
  };

  return {
    submit(item, size) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, size, resolve, reject });
        running ??= run();
      });
    },
    async drain() {
      while (running) await running;
    },
    queued: () => queue.length,
  };
}
