import { type Change, createHub, createMemoryStore, type Hub, type StorePort } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../helpers/fake-clock';

const operator = { type: 'policy', id: 'iothubowner' } as const;

async function newHub(store: StorePort = createMemoryStore()): Promise<{ hub: Hub; store: StorePort }> {
  const hub = await createHub({ store, clock: createFakeClock(Date.parse('2026-01-01T00:00:00Z')) });
  return { hub, store };
}

describe('change feed', () => {
  it('records every mutation with seq, hlc, origin, actor, kind, id and patch', async () => {
    const { hub } = await newHub();
    await hub.registry.create({ deviceId: 'd1' }, operator);
    await hub.twins.patch('d1', { tags: { site: 'a' } }, '*', operator);
    await hub.twins.patch('d1', { properties: { desired: { x: 1 } } }, '*', operator);
    await hub.twins.patchReported('d1', { y: 2 }, { type: 'device', id: 'd1' });
    await hub.registry.update('d1', { status: 'disabled' }, '*', operator);
    await hub.registry.delete('d1', '*', operator);
    const changes = await hub.feed.read(0, 100);
    expect(changes.map((c) => c.kind)).toEqual([
      'deviceCreated',
      'twinTagsChanged',
      'twinDesiredChanged',
      'twinReportedChanged',
      'deviceUpdated',
      'deviceDeleted',
    ]);
    expect(changes.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const c of changes) {
      expect(c.origin).toBe(hub.hubId);
      expect(c.id).toBe('d1');
      expect(c.hlc.endsWith(hub.hubId)).toBe(true);
    }
    const hlcs = changes.map((c) => c.hlc);
    expect([...hlcs].sort()).toEqual(hlcs);
    expect(new Set(hlcs).size).toBe(hlcs.length);
    expect(changes[3]!.actor).toEqual({ type: 'device', id: 'd1' });
    expect(changes[1]!.patch).toEqual({ tags: { site: 'a' } });
    expect(changes[4]!.patch).toEqual({ status: 'disabled' });
  });

  it('never writes key material into the feed', async () => {
    const { hub } = await newHub();
    const dev = await hub.registry.create({ deviceId: 'secret' }, operator);
    await hub.registry.update(
      'secret',
      {
        authentication: {
          symmetricKey: { primaryKey: Buffer.alloc(32, 9).toString('base64'), secondaryKey: '' },
        },
      },
      '*',
      operator,
    );
    const text = JSON.stringify(await hub.feed.read(0, 100));
    expect(text).not.toContain(dev.authentication.symmetricKey.primaryKey!);
    expect(text).not.toContain(Buffer.alloc(32, 9).toString('base64'));
    expect(text).toContain('keysRotated');
  });

  it('lets a reader subscribe from a seq: replay, then live, in order and without duplicates', async () => {
    const { hub } = await newHub();
    for (let i = 0; i < 5; i++) await hub.registry.create({ deviceId: `s${i}` }, operator);
    const seen: number[] = [];
    const unsubscribe = await hub.feed.subscribe(2, (c: Change) => seen.push(c.seq));
    await Promise.all([
      hub.registry.create({ deviceId: 'live-1' }, operator),
      hub.registry.create({ deviceId: 'live-2' }, operator),
    ]);
    unsubscribe();
    await hub.registry.create({ deviceId: 'after' }, operator);
    expect(seen).toEqual([3, 4, 5, 6, 7]);
  });

  it('emits typed events after the change is durable', async () => {
    const store = createMemoryStore();
    const { hub } = await newHub(store);
    const events: string[] = [];
    hub.events.on('deviceCreated', 'test', (c) => events.push(`${c.kind}:${c.id}:${store.commits > 0}`));
    hub.events.on('twinDesiredChanged', 'test', (c) => events.push(`${c.kind}:${c.id}`));
    hub.events.on('twinDesiredChanged', 'broken-listener', () => {
      throw new Error('listener bug');
    });
    await hub.registry.create({ deviceId: 'e1' }, operator);
    await hub.twins.patch('e1', { properties: { desired: { a: 1 } } }, '*', operator);
    expect(events).toEqual(['deviceCreated:e1:true', 'twinDesiredChanged:e1']);
  });

  it('continues the sequence after a restart on the same store', async () => {
    const store = createMemoryStore();
    const { hub } = await newHub(store);
    await hub.registry.create({ deviceId: 'r1' }, operator);
    await hub.registry.create({ deviceId: 'r2' }, operator);
    const again = await createHub({ store });
    expect(again.hubId).toBe(hub.hubId);
    expect(again.isNew).toBe(false);
    await again.registry.create({ deviceId: 'r3' }, operator);
    const seqs = (await again.feed.read(0, 10)).map((c) => c.seq);
    expect(seqs).toEqual([1, 2, 3]);
    expect(again.registry.get('r1').deviceId).toBe('r1');
  });

  it('keeps HLC monotonic when the wall clock goes backwards', async () => {
    const clock = createFakeClock(Date.parse('2026-01-01T00:00:10Z'));
    const hub = await createHub({ store: createMemoryStore(), clock });
    await hub.registry.create({ deviceId: 'h1' }, operator);
    clock.set(Date.parse('2026-01-01T00:00:00Z'));
    await hub.registry.create({ deviceId: 'h2' }, operator);
    const [a, b] = await hub.feed.read(0, 2);
    expect(b!.hlc > a!.hlc).toBe(true);
  });
});
