export { createAtomicFileAdapter, readLowdbFile, writeLowdbFile } from './atomic-file-adapter';
export { type LowdbStore, type LowdbStoreOptions, type LowdbStoreStats, openLowdbStore } from './lowdb-store';
export { readStoreCollection } from './read-only';
export { defaultStoreFs, type StoreFs } from './store-fs';
