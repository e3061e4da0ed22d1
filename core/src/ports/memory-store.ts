import type { Change } from '../contracts/change';
import type { CommitEntry, StorePort, StoreSnapshot } from './store';

/** An in-memory StorePort for unit tests and throwaway hubs: durable only for the process's life. */
export function createMemoryStore(): StorePort & { commits: number } {
  const collections = new Map<string, Map<string, unknown>>();
  const changes: Change[] = [];
  let closed = false;
  const store = {
    commits: 0,
    async load(): Promise<StoreSnapshot> {
      const copy = new Map<string, Map<string, unknown>>();
      for (const [name, docs] of collections) copy.set(name, new Map(docs));
      return { collections: copy, lastSeq: changes.at(-1)?.seq ?? 0 };
    },
    async commit(entry: CommitEntry): Promise<void> {
      if (closed) throw new Error('store is closed');
      store.commits++;
      if (entry.change) changes.push(structuredClone(entry.change));
      for (const w of entry.writes) {
        let docs = collections.get(w.collection);
        if (!docs) {
          docs = new Map();
          collections.set(w.collection, docs);
        }
        if (w.doc === null) docs.delete(w.id);
        else docs.set(w.id, structuredClone(w.doc));
      }
    },
    async readChanges(afterSeq: number, limit: number): Promise<Change[]> {
      return changes.filter((c) => c.seq > afterSeq).slice(0, limit);
    },
    firstRetainedSeq: () => changes[0]?.seq ?? 1,
    sizeBytes: async () => 0,
    async close() {
      closed = true;
    },
  };
  return store;
}
