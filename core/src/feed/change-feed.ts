import type { Actor, Change, ChangeKind } from '../contracts/change';
import type { Logger } from '../ports/logger';
import type { RecordWrite, StorePort } from '../ports/store';
import type { Hlc } from './hlc';

/** What a mutation hands the feed: the change it made and the record writes that carry it. */
export interface ChangeInput {
  kind: ChangeKind;
  actor: Actor;
  id: string;
  patch: unknown;
  writes: RecordWrite[];
}

/** The hub's ordered, durable log of mutations. */
export interface ChangeFeed {
  /** Assigns the next seq (synchronously, so seq order is call order) and resolves once durable. */
  append(input: ChangeInput): Promise<Change>;
  /** The highest seq assigned so far. */
  lastSeq(): number;
  /** Retained changes after `afterSeq`, oldest first. */
  read(afterSeq: number, limit: number): Promise<Change[]>;
  /** The oldest seq still retained. */
  firstRetainedSeq(): number;
  /** Replays retained changes after `afterSeq`, then delivers live ones in seq order. */
  subscribe(afterSeq: number, listener: (change: Change) => void): Promise<() => void>;
  /** Subscribes to live changes only (no replay). */
  onCommitted(listener: (change: Change) => void): () => void;
}

/** Creates the change feed over a store; `lastSeq` is the highest seq already stored. */
export function createChangeFeed(deps: {
  store: StorePort;
  hlc: Hlc;
  hubId: string;
  lastSeq: number;
  logger: Logger;
  nowIso: () => string;
}): ChangeFeed {
  const { store, hlc, hubId, logger } = deps;
  let seq = deps.lastSeq;
  let emitted = deps.lastSeq;
  // Commits may settle out of order (a failure, or a store resolving a batch in any order);
  // listeners must still see a gap-free, ascending sequence.
  const settled = new Map<number, Change | null>();
  const listeners = new Set<(c: Change) => void>();

  const drain = (): void => {
    while (settled.has(emitted + 1)) {
      const change = settled.get(emitted + 1);
      settled.delete(emitted + 1);
      emitted += 1;
      if (!change) continue;
      for (const fn of listeners) {
        try {
          fn(change);
        } catch (err) {
          logger.error('change listener failed', { seq: change.seq, error: String(err) });
        }
      }
    }
  };

  return {
    async append(input) {
      seq += 1;
      const change: Change = {
        seq,
        hlc: hlc.now(),
        origin: hubId,
        actor: input.actor,
        kind: input.kind,
        id: input.id,
        at: deps.nowIso(),
        patch: input.patch,
      };
      try {
        await store.commit({ change, writes: input.writes });
      } catch (err) {
        settled.set(change.seq, null);
        drain();
        logger.error('commit failed', { seq: change.seq, kind: change.kind, error: String(err) });
        throw err;
      }
      settled.set(change.seq, change);
      drain();
      return change;
    },
    lastSeq: () => seq,
    read: (afterSeq, limit) => store.readChanges(afterSeq, limit),
    firstRetainedSeq: () => store.firstRetainedSeq(),
    async subscribe(afterSeq, listener) {
      const buffered: Change[] = [];
      let live = false;
      let last = afterSeq;
      const fn = (c: Change): void => {
        if (!live) buffered.push(c);
        else if (c.seq > last) {
          last = c.seq;
          listener(c);
        }
      };
      listeners.add(fn);
      for (;;) {
        const page = await store.readChanges(last, 1000);
        for (const c of page) {
          if (c.seq <= last) continue;
          last = c.seq;
          listener(c);
        }
        if (page.length < 1000) break;
      }
      live = true;
      for (const c of buffered) fn(c);
      return () => listeners.delete(fn);
    },
    onCommitted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
