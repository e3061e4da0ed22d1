import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLowdbStore, readStoreCollection } from '../../../edge-runtime/src/store';
import { deviceCommit, makeTempDir } from './helpers';

let temp: Awaited<ReturnType<typeof makeTempDir>>;

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  await temp.remove();
});

describe('readStoreCollection', () => {
  it('is empty for a directory without a store', async () => {
    expect(await readStoreCollection(join(temp.dir, 'nothing-here'), 'policies')).toEqual(new Map());
  });

  it('reads shards plus journal, as the store would load them', async () => {
    const store = await openLowdbStore({ dir: temp.dir, checkpointIntervalMs: 3_600_000 });
    await store.load();
    await store.commit({ writes: [{ collection: 'policies', id: 'owner', doc: { rights: ['a'] } }] });
    for (let seq = 1; seq <= 100; seq++) await store.commit(deviceCommit(seq, `dev-${seq % 10}`));
    await store.checkpoint();
    await store.commit({ writes: [{ collection: 'policies', id: 'owner', doc: { rights: ['b'] } }] });
    await store.commit({ writes: [{ collection: 'devices', id: 'dev-3', doc: null }] });
    const expected = await store.load();

    expect(await readStoreCollection(temp.dir, 'policies')).toEqual(expected.collections.get('policies'));
    expect(await readStoreCollection(temp.dir, 'devices')).toEqual(expected.collections.get('devices'));
    await store.close();
    expect(await readStoreCollection(temp.dir, 'devices')).toEqual(expected.collections.get('devices'));
  });

  it('reads a consistent collection while the store commits and checkpoints', async () => {
    const store = await openLowdbStore({ dir: temp.dir, checkpointIntervalMs: 20 });
    await store.load();
    await store.commit({ writes: [{ collection: 'policies', id: 'owner', doc: { rights: ['a'] } }] });
    let seq = 0;
    let running = true;
    const writer = (async () => {
      while (running) {
        seq++;
        await store.commit(deviceCommit(seq, `dev-${seq % 20}`));
      }
    })();
    for (let i = 0; i < 30; i++) {
      expect((await readStoreCollection(temp.dir, 'policies')).get('owner')).toEqual({ rights: ['a'] });
      expect((await readStoreCollection(temp.dir, 'devices')).size).toBeLessThanOrEqual(20);
    }
    running = false;
    await writer;
    await store.close();
    expect(store.stats().checkpoints).toBeGreaterThan(0);
  });
});
