import { createHub, createMemoryStore, parseAuditFilter, queryAudit, redactSecrets } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../helpers/fake-clock';

const alice = { type: 'user', id: 'alice' } as const;
const policy = { type: 'policy', id: 'iothubowner' } as const;

async function hubWithHistory() {
  const clock = createFakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const hub = await createHub({ store: createMemoryStore(), clock, adminPassword: 'admin-password' });
  await hub.registry.create({ deviceId: 'd1' }, alice); // seq 1
  clock.advance(60_000);
  await hub.twins.patch('d1', { tags: { site: 'a' } }, '*', policy); // 2
  await hub.users.create({ name: 'bob', role: 'viewer', password: 'bob-password' }, alice); // 3
  clock.advance(60_000);
  await hub.registry.create({ deviceId: 'd2' }, policy); // 4
  await hub.registry.delete('d1', '*', alice); // 5
  return hub;
}

describe('audit query', () => {
  it('parses filters and refuses bad ones', () => {
    expect(parseAuditFilter({})).toEqual({ afterSeq: 0, limit: 100 });
    const f = parseAuditFilter({
      kind: 'deviceCreated,deviceDeleted',
      limit: '500',
      since: '2026-01-01T00:00:00Z',
    });
    expect([...(f.kinds ?? [])]).toEqual(['deviceCreated', 'deviceDeleted']);
    expect(f.since).toBe(Date.parse('2026-01-01T00:00:00Z'));
    for (const bad of [
      { limit: '0' },
      { limit: '501' },
      { kind: 'nope' },
      { since: 'yesterday' },
      { afterSeq: '-1' },
    ]) {
      expect(() => parseAuditFilter(bad)).toThrow();
    }
    expect(() => parseAuditFilter({ deviceId: ['a', 'b'] })).toThrow();
  });

  it('filters by device, actor, kind and time, hiding user changes from non-admins', async () => {
    const hub = await hubWithHistory();
    const seqs = async (query: Record<string, string>, admin = true) =>
      (await queryAudit(hub.feed, parseAuditFilter(query), admin)).items.map((e) => e.seq);
    expect(await seqs({})).toEqual([1, 2, 3, 4, 5]);
    expect(await seqs({}, false)).toEqual([1, 2, 4, 5]);
    expect(await seqs({ deviceId: 'd1' })).toEqual([1, 2, 5]);
    expect(await seqs({ actor: 'alice' })).toEqual([1, 3, 5]);
    expect(await seqs({ actor: 'user:alice' })).toEqual([1, 3, 5]);
    expect(await seqs({ actor: 'policy:alice' })).toEqual([]);
    expect(await seqs({ kind: 'deviceCreated' })).toEqual([1, 4]);
    expect(await seqs({ since: '2026-01-01T00:01:00Z', until: '2026-01-01T00:01:00Z' })).toEqual([2, 3]);
    expect(await seqs({ deviceId: 'bob' })).toEqual([]);
  });

  it('pages with a nextAfterSeq cursor', async () => {
    const hub = await hubWithHistory();
    const first = await queryAudit(hub.feed, parseAuditFilter({ limit: '2' }), true);
    expect(first.items.map((e) => e.seq)).toEqual([1, 2]);
    expect(first.nextAfterSeq).toBe(2);
    const second = await queryAudit(hub.feed, parseAuditFilter({ limit: '2', afterSeq: '2' }), true);
    expect(second.items.map((e) => e.seq)).toEqual([3, 4]);
    const last = await queryAudit(hub.feed, parseAuditFilter({ limit: '2', afterSeq: '4' }), true);
    expect(last.items.map((e) => e.seq)).toEqual([5]);
    expect(last.nextAfterSeq).toBeNull();
    expect(last.firstRetainedSeq).toBe(1);
  });

  it('shows entries with deviceId for device changes and without secrets', async () => {
    const hub = await hubWithHistory();
    const { items } = await queryAudit(hub.feed, parseAuditFilter({}), true);
    expect(items[0]).toMatchObject({ seq: 1, kind: 'deviceCreated', id: 'd1', deviceId: 'd1', actor: alice });
    expect(items[2]).not.toHaveProperty('deviceId');
    expect(JSON.stringify(items)).not.toMatch(/primaryKey|secondaryKey|passwordHash|scrypt/);
    expect(redactSecrets({ a: { PrimaryKey: 'x', keep: [{ token: 't', n: 1 }] } })).toEqual({
      a: { keep: [{ n: 1 }] },
    });
  });
});
