import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommitEntry } from '@outpost/core/ports';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LowdbStore, openLowdbStore } from '../../../edge-runtime/src/store';
import { changeOf, deviceCommit, deviceDoc, makeTempDir } from './helpers';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const open: LowdbStore[] = [];

async function openStore(options: Partial<Parameters<typeof openLowdbStore>[0]> = {}): Promise<LowdbStore> {
  // No background checkpoints unless a test asks: reopening then exercises journal replay.
  const store = await openLowdbStore({ dir: temp.dir, checkpointIntervalMs: 3_600_000, ...options });
  open.push(store);
  return store;
}

/** Leaves a store as a crash would: never closed, its files as they are. */
function abandon(store: LowdbStore): void {
  open.splice(open.indexOf(store), 1);
}

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((s) => s.close()));
  await temp.remove();
});

describe('lowdb store: round trip', () => {
  it('starts empty', async () => {
    const store = await openStore();
    const snapshot = await store.load();
    expect(snapshot.lastSeq).toBe(0);
    expect(snapshot.collections.size).toBe(0);
    expect(await store.readChanges(0, 10)).toEqual([]);
    expect(store.firstRetainedSeq()).toBe(1);
  });

  it('brings back records, deletes and changes of many collections after close and reopen', async () => {
    const store = await openStore();
    await store.load();
    const entries: CommitEntry[] = [
      { writes: [{ collection: 'hub', id: 'identity', doc: { hubId: 'hub-1' } }] },
      deviceCommit(1, 'dev-a'),
      deviceCommit(2, 'dev-b'),
      {
        change: changeOf(3, 'owner'),
        writes: [{ collection: 'policies', id: 'owner', doc: { rights: ['x'] } }],
      },
      { change: changeOf(4, 'dev-a'), writes: [{ collection: 'devices', id: 'dev-a', doc: null }] },
      deviceCommit(5, 'dev-c'),
      { change: changeOf(6, 'dev-c'), writes: [] },
      { writes: [{ collection: 'weird name/ü.x', id: 'k', doc: [1, 'two', { three: 3 }] }] },
    ];
    for (const entry of entries) await store.commit(entry);
    await store.close();

    const reopened = await openStore();
    const snapshot = await reopened.load();
    expect(snapshot.lastSeq).toBe(6);
    expect(snapshot.collections.get('hub')).toEqual(new Map([['identity', { hubId: 'hub-1' }]]));
    expect([...(snapshot.collections.get('devices')?.keys() ?? [])].sort()).toEqual(['dev-b', 'dev-c']);
    expect(snapshot.collections.get('devices')?.get('dev-c')).toEqual(deviceDoc('dev-c', 5));
    expect(snapshot.collections.get('policies')?.get('owner')).toEqual({ rights: ['x'] });
    expect(snapshot.collections.get('weird name/ü.x')?.get('k')).toEqual([1, 'two', { three: 3 }]);
    const changes = entries.flatMap((e) => (e.change ? [e.change] : []));
    expect(await reopened.readChanges(0, 100)).toEqual(changes);
    expect(await reopened.readChanges(3, 2)).toEqual(changes.slice(3, 5));
  });

  it('replays the journal when the store was never closed', async () => {
    const store = await openStore();
    await store.load();
    for (let seq = 1; seq <= 20; seq++) await store.commit(deviceCommit(seq, `dev-${seq % 3}`));
    await store.commit({
      change: changeOf(21, 'dev-0'),
      writes: [{ collection: 'devices', id: 'dev-0', doc: null }],
    });
    expect(store.stats().journalFiles).toBeGreaterThan(0);
    abandon(store);

    const reopened = await openStore();
    const snapshot = await reopened.load();
    expect(snapshot.lastSeq).toBe(21);
    expect(snapshot.collections.get('devices')).toEqual(
      new Map([
        ['dev-1', deviceDoc('dev-1', 19)],
        ['dev-2', deviceDoc('dev-2', 20)],
      ]),
    );
    expect((await reopened.readChanges(0, 100)).map((c) => c.seq)).toEqual(
      Array.from({ length: 21 }, (_, i) => i + 1),
    );
  });

  it('stores an entry as it was when committed, not as it is when written', async () => {
    const store = await openStore();
    await store.load();
    const doc = { n: 1 };
    const pending = store.commit({ writes: [{ collection: 'c', id: 'x', doc }] });
    doc.n = 2;
    await pending;
    expect((await store.load()).collections.get('c')?.get('x')).toEqual({ n: 1 });
  });

  it('hands out a snapshot the caller may mutate', async () => {
    const store = await openStore();
    await store.load();
    await store.commit({ writes: [{ collection: 'c', id: 'x', doc: { n: 1 } }] });
    const first = await store.load();
    (first.collections.get('c')?.get('x') as { n: number }).n = 99;
    expect((await store.load()).collections.get('c')?.get('x')).toEqual({ n: 1 });
  });

  it('rejects a change seq that does not increase, and anything that is not JSON', async () => {
    const store = await openStore();
    await store.load();
    await store.commit(deviceCommit(5));
    await expect(store.commit(deviceCommit(5))).rejects.toThrow(/not above/);
    await expect(store.commit({ writes: [{ collection: 'c', id: 'x', doc: undefined }] })).rejects.toThrow(
      /not JSON/,
    );
    await expect(store.commit({ writes: [{ collection: '', id: 'x', doc: 1 }] })).rejects.toThrow(TypeError);
    await expect(store.commit({ change: { ...changeOf(7), seq: 0 }, writes: [] })).rejects.toThrow(
      /positive/,
    );
    await store.commit(deviceCommit(6));
    expect(store.stats().lastSeq).toBe(6);
  });

  it('refuses options it would have to write down wrongly', async () => {
    await expect(openLowdbStore({ dir: temp.dir, shards: { devices: 0 } })).rejects.toThrow(RangeError);
    await expect(openLowdbStore({ dir: temp.dir, feedRetention: -1 })).rejects.toThrow(RangeError);
  });

  it('fails commits after close, and close waits for pending commits', async () => {
    const store = await openStore();
    await store.load();
    const pending = Array.from({ length: 50 }, (_, i) => store.commit(deviceCommit(i + 1)));
    await store.close();
    const settled = await Promise.allSettled(pending);
    expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
    await expect(store.commit(deviceCommit(51))).rejects.toThrow(/closed/);
  });

  it('reports its size on disk', async () => {
    const store = await openStore();
    await store.load();
    await store.commit(deviceCommit(1, 'dev-1', 5_000));
    expect(await store.sizeBytes()).toBeGreaterThan(5_000);
  });
});

describe('lowdb store: group commit', () => {
  it('groups 1,000 concurrent commits into a few journal batches', async () => {
    const store = await openStore();
    await store.load();
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => store.commit(deviceCommit(i + 1))));
    const stats = store.stats();
    expect(stats.entriesWritten).toBe(1_000);
    expect(stats.batchesWritten).toBeLessThan(20);
    expect(stats.journalFiles).toBe(stats.batchesWritten);
    expect((await readdir(join(temp.dir, 'journal'))).length).toBe(stats.batchesWritten);
  });

  it('pipelines: commits made while a batch is written form the next batch, in order', async () => {
    const store = await openStore();
    await store.load();
    const acked: number[] = [];
    const all: Promise<void>[] = [];
    for (let wave = 0; wave < 5; wave++) {
      for (let i = 1; i <= 100; i++) {
        const seq = wave * 100 + i;
        all.push(store.commit(deviceCommit(seq)).then(() => void acked.push(seq)));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(all);
    expect(acked).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(store.stats().batchesWritten).toBeLessThan(50);
  });
});
