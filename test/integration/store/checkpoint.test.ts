import { cp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LowdbStore, type LowdbStoreOptions, openLowdbStore } from '../../../edge-runtime/src/store';
import { createFaultFs } from './fault-fs';
import { changeOf, deviceCommit, deviceDoc, makeTempDir } from './helpers';

const HOUR = 3_600_000;
let temp: Awaited<ReturnType<typeof makeTempDir>>;
const open: LowdbStore[] = [];

async function openStore(options: Partial<LowdbStoreOptions> = {}): Promise<LowdbStore> {
  const store = await openLowdbStore({ dir: temp.dir, checkpointIntervalMs: HOUR, ...options });
  open.push(store);
  await store.load();
  return store;
}

/** Leaves a store as a crash would: never closed, its files as they are. */
function abandon(store: LowdbStore): void {
  open.splice(open.indexOf(store), 1);
}

/** Commits `count` changes from `firstSeq`, overwriting 40 devices and deleting every 7th change's device. */
async function churn(store: LowdbStore, firstSeq: number, count: number): Promise<void> {
  const all: Promise<void>[] = [];
  for (let seq = firstSeq; seq < firstSeq + count; seq++) {
    const id = `dev-${seq % 40}`;
    const doc = seq % 7 === 0 ? null : deviceDoc(id, seq);
    all.push(
      store.commit({
        change: changeOf(seq, id),
        writes: [
          { collection: 'devices', id, doc },
          { collection: 'modules', id: `${id}/m`, doc: { seq } },
        ],
      }),
    );
    if (seq % 50 === 0) await Promise.all(all.splice(0));
  }
  await Promise.all(all);
}

const files = async (...parts: string[]): Promise<string[]> =>
  (await readdir(join(temp.dir, ...parts))).sort();

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((s) => s.close()));
  await temp.remove();
});

describe('lowdb store: checkpoints', () => {
  it('folds the journal into shards, removes it, and reloads to the same state', async () => {
    const store = await openStore();
    await churn(store, 1, 300);
    const before = await store.load();
    expect(store.stats().journalFiles).toBeGreaterThan(1);

    await store.checkpoint();
    expect(store.stats()).toMatchObject({ journalFiles: 0, dirtyShards: 0, checkpoints: 1 });
    expect(await files('journal')).toEqual([]);
    expect((await files('records', 'devices')).every((n) => /^\d\d-of-64\.json$/.test(n))).toBe(true);
    expect(await files('records', 'modules')).toEqual(['0-of-1.json']);
    expect(await files()).toContain('checkpoint.json');

    // Reload from shards only, then from shards plus a journal on top.
    const fromShards = await openStore();
    expect(await fromShards.load()).toEqual(before);
    abandon(fromShards);
    await churn(store, 301, 120);
    const after = await store.load();
    abandon(store);
    const replayed = await openStore();
    expect(await replayed.load()).toEqual(after);
    expect(after.lastSeq).toBe(420);
  });

  it('writes only the shards that changed', async () => {
    const store = await openStore();
    await churn(store, 1, 200);
    await store.checkpoint();
    await store.commit(deviceCommit(201, 'dev-x'));
    expect(store.stats().dirtyShards).toBe(1);
  });

  it('runs in the background on its interval', async () => {
    const store = await openStore({ checkpointIntervalMs: 10 });
    await churn(store, 1, 50);
    await expect.poll(() => store.stats().journalFiles, { timeout: 5_000 }).toBe(0);
    expect(store.stats().checkpoints).toBeGreaterThan(0);
  });

  it('ignores and removes temp files left by a crash', async () => {
    const store = await openStore();
    await churn(store, 1, 100);
    await store.checkpoint();
    await churn(store, 101, 10);
    const expected = await store.load();
    abandon(store);
    await writeFile(join(temp.dir, 'journal', '000000000111-0000000999.json.tmp'), '{"batch":999,"ent');
    await writeFile(join(temp.dir, 'records', 'devices', '00-of-64.json.tmp'), 'garbage');
    await writeFile(join(temp.dir, 'feed', '000000000001-000000000999.json.tmp'), '');
    await writeFile(join(temp.dir, 'checkpoint.json.tmp'), '{');

    const reopened = await openStore();
    expect(await reopened.load()).toEqual(expected);
    expect((await files('journal')).some((n) => n.endsWith('.tmp'))).toBe(false);
    expect((await files('records', 'devices')).some((n) => n.endsWith('.tmp'))).toBe(false);
    expect((await files('feed')).some((n) => n.endsWith('.tmp'))).toBe(false);
  });

  it('ignores journal segments a checkpoint already covers (crash while deleting them)', async () => {
    const store = await openStore();
    await churn(store, 1, 100);
    await cp(join(temp.dir, 'journal'), join(temp.dir, 'old-journal'), { recursive: true });
    await store.checkpoint();
    await churn(store, 101, 100);
    await store.checkpoint();
    const expected = await store.load();
    abandon(store);
    await cp(join(temp.dir, 'old-journal'), join(temp.dir, 'journal'), { recursive: true });
    await rm(join(temp.dir, 'old-journal'), { recursive: true });

    const reopened = await openStore();
    expect(await reopened.load()).toEqual(expected);
    expect(await files('journal')).toEqual([]);
  });

  it.each([
    ['a shard write', /[/\\]records[/\\]devices[/\\].*\.tmp$/, true],
    ['the manifest write', /checkpoint\.json\.tmp$/, false],
  ])('keeps the journal when %s fails, and recovers from it', async (_what, pattern, shardsStayDirty) => {
    const fs = createFaultFs();
    const store = await openStore({ fs });
    await churn(store, 1, 150);
    const expected = await store.load();
    fs.failOpen = pattern;
    await expect(store.checkpoint()).rejects.toThrow(/EIO/);
    expect(store.stats().journalFiles).toBeGreaterThan(0);
    expect(store.stats().dirtyShards > 0).toBe(shardsStayDirty);
    abandon(store);

    const reopened = await openStore();
    expect(await reopened.load()).toEqual(expected);
    expect((await reopened.readChanges(0, 1_000)).map((c) => c.seq)).toEqual(
      Array.from({ length: 150 }, (_, i) => i + 1),
    );

    fs.failOpen = null;
    await reopened.checkpoint();
    expect(reopened.stats().journalFiles).toBe(0);
  });

  it('moves to a new shard count, dropping the old layout only after the new one is complete', async () => {
    const first = await openStore({ shards: { devices: 4 } });
    await churn(first, 1, 200);
    const expected = await first.load();
    await first.close();
    expect(await files('records', 'devices')).toEqual([
      '0-of-4.json',
      '1-of-4.json',
      '2-of-4.json',
      '3-of-4.json',
    ]);

    const second = await openStore({ shards: { devices: 16 } });
    expect(await second.load()).toEqual(expected);
    await second.close();
    const names = await files('records', 'devices');
    expect(names).toHaveLength(16);
    expect(names.every((n) => n.endsWith('-of-16.json'))).toBe(true);

    const third = await openStore({ shards: { devices: 16 } });
    expect(await third.load()).toEqual(expected);
  });
});

describe('lowdb store: change feed archive', () => {
  it('serves changes from the archive after a checkpoint, across reopen', async () => {
    const store = await openStore({ feedRetention: 10_000 });
    await churn(store, 1, 500);
    await store.checkpoint();
    expect(store.stats().feedChunks).toBeGreaterThan(0);
    await churn(store, 501, 20);

    const all = await store.readChanges(0, 10_000);
    expect(all.map((c) => c.seq)).toEqual(Array.from({ length: 520 }, (_, i) => i + 1));
    expect(all[41]).toEqual(changeOf(42, 'dev-2'));
    expect((await store.readChanges(100, 50)).map((c) => c.seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 101),
    );
    expect((await store.readChanges(495, 10)).map((c) => c.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 496),
    );
    // Objects handed out are the caller's own.
    (await store.readChanges(0, 1))[0]!.id = 'mutated';
    expect((await store.readChanges(0, 1))[0]!.id).toBe('dev-1');
    await store.close();

    const reopened = await openStore({ feedRetention: 10_000 });
    expect(await reopened.readChanges(0, 10_000)).toEqual(
      all.map((c, i) => (i === 0 ? changeOf(1, 'dev-1') : c)),
    );
    expect(reopened.firstRetainedSeq()).toBe(1);
  });

  it('drops the oldest changes beyond the retention budget', async () => {
    const store = await openStore({ feedRetention: 100 });
    for (let round = 0; round < 5; round++) {
      await churn(store, round * 200 + 1, 200);
      await store.checkpoint();
    }
    const first = store.firstRetainedSeq();
    expect(first).toBeGreaterThan(1_000 - 100);
    expect(first).toBeLessThanOrEqual(1_000);
    const retained = await store.readChanges(0, 10_000);
    expect(retained.map((c) => c.seq)).toEqual(Array.from({ length: 1_001 - first }, (_, i) => first + i));
    const feedFiles = await files('feed');
    expect(feedFiles.length).toBe(store.stats().feedChunks);
    await store.close();

    const reopened = await openStore({ feedRetention: 100 });
    expect(reopened.firstRetainedSeq()).toBe(first);
    expect(await reopened.readChanges(0, 10_000)).toEqual(retained);
    expect((await reopened.load()).lastSeq).toBe(1_000);
  });

  it('keeps lastSeq when the feed retains nothing', async () => {
    const store = await openStore({ feedRetention: 0 });
    await churn(store, 1, 30);
    await store.close();
    const reopened = await openStore({ feedRetention: 0 });
    expect((await reopened.load()).lastSeq).toBe(30);
    expect(await reopened.readChanges(0, 100)).toEqual([]);
    expect(reopened.firstRetainedSeq()).toBe(31);
  });
});
