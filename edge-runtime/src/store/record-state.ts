import { type EncodedWrite, shardOf } from './encoding';

/** One collection held as serialised documents, split into shards by id. */
export interface CollectionState {
  readonly name: string;
  readonly shardCount: number;
  /** shard → id → document JSON. */
  readonly shards: Map<string, string>[];
  /** Shards changed since they were last written to a snapshot file. */
  readonly dirty: Set<number>;
}

/** The store's own copy of every record, as JSON text: compact, and cheap to write out again. */
export interface RecordState {
  /** Applies an after-image (`doc: null` deletes) and marks its shard dirty. */
  apply(write: EncodedWrite): void;
  /** Puts a document read from a snapshot file back, without marking its shard dirty. */
  restore(collection: string, id: string, doc: string): void;
  /** The collection, created empty (with its configured shard count) if new. */
  collection(name: string): CollectionState;
  /** Every collection known, including emptied ones. */
  all(): CollectionState[];
  /** Marks every shard of a collection dirty (after a shard-count change). */
  markAllDirty(name: string): void;
  /** The number of dirty shards across collections. */
  dirtyCount(): number;
  /** The number of records held. */
  recordCount(): number;
}

/** Creates an empty record state; `shardCountFor` gives each new collection its shard count. */
export function createRecordState(shardCountFor: (collection: string) => number): RecordState {
  const collections = new Map<string, CollectionState>();

  const collection = (name: string): CollectionState => {
    let state = collections.get(name);
    if (!state) {
      const shardCount = shardCountFor(name);
      const shards = Array.from({ length: shardCount }, () => new Map<string, string>());
      state = { name, shardCount, shards, dirty: new Set() };
      collections.set(name, state);
    }
    return state;
  };

  return {
    apply(write) {
      const state = collection(write.collection);
      const shard = shardOf(write.id, state.shardCount);
      if (write.doc === null) state.shards[shard]!.delete(write.id);
      else state.shards[shard]!.set(write.id, write.doc);
      state.dirty.add(shard);
    },
    restore(name, id, doc) {
      const state = collection(name);
      state.shards[shardOf(id, state.shardCount)]!.set(id, doc);
    },
    collection,
    all: () => [...collections.values()],
    markAllDirty(name) {
      const state = collection(name);
      for (let i = 0; i < state.shardCount; i++) state.dirty.add(i);
    },
    dirtyCount() {
      let n = 0;
      for (const state of collections.values()) n += state.dirty.size;
      return n;
    },
    recordCount() {
      let n = 0;
      for (const state of collections.values()) for (const shard of state.shards) n += shard.size;
      return n;
    },
  };
}
