import { type AuditPage, createHub, createMemoryStore, parseAuditFilter, queryAudit } from '@outpost/core';
import { describe, expect, it } from 'vitest';

const alice = { type: 'user', id: 'alice' } as const;
const policy = { type: 'policy', id: 'iothubowner' } as const;

async function hubWith(devices: number) {
  const hub = await createHub({ store: createMemoryStore(), adminPassword: 'admin-password' });
  for (let i = 1; i <= devices; i++) {
    await hub.registry.create({ deviceId: `dev-${i}` }, i % 2 ? alice : policy);
  }
  await hub.twins.patch('dev-1', { tags: { site: 'Lisbon', floor: 2 } }, '*', alice);
  await hub.users.create({ name: 'bob', role: 'viewer', password: 'bob-password' }, alice);
  return hub;
}

const seqs = (page: AuditPage) => page.items.map((e) => e.seq);

describe('audit search and newest-first paging', () => {
  it('finds entries by words in kind, record, actor and patch, case-insensitively', async () => {
    const hub = await hubWith(3);
    const find = async (text: string, admin = true) =>
      seqs(await queryAudit(hub.feed, parseAuditFilter({ text }), admin));
    expect(await find('lisbon')).toEqual([4]);
    expect(await find('LISBON floor')).toEqual([4]);
    expect(await find('lisbon porto')).toEqual([]);
    expect(await find('dev-2')).toEqual([2]);
    expect(await find('policy:iothubowner')).toEqual([2]);
    expect(await find('userCreated')).toEqual([5]);
    expect(await find('userCreated', false)).toEqual([]);
    // The search runs on the redacted entry: secrets cannot be probed by searching for them.
    expect(await find('primaryKey')).toEqual([]);
    expect(await find('bob-password')).toEqual([]);
    expect(() => parseAuditFilter({ text: 'x'.repeat(201) })).toThrow();
  });

  it('pages newest first with a beforeSeq cursor down to the oldest entry', async () => {
    const hub = await hubWith(5); // seq 1..5 devices, 6 tags, 7 user
    const page = (q: Record<string, string>) => queryAudit(hub.feed, parseAuditFilter(q), true);
    const first = await page({ order: 'newest', limit: '3' });
    expect(seqs(first)).toEqual([7, 6, 5]);
    expect(first.nextBeforeSeq).toBe(5);
    const second = await page({ order: 'newest', limit: '3', beforeSeq: '5' });
    expect(seqs(second)).toEqual([4, 3, 2]);
    const last = await page({ order: 'newest', limit: '3', beforeSeq: '2' });
    expect(seqs(last)).toEqual([1]);
    expect(last.nextBeforeSeq).toBeNull();
    const filtered = await page({ order: 'newest', kind: 'deviceCreated', actor: 'alice' });
    expect(seqs(filtered)).toEqual([5, 3, 1]);
    expect(() => parseAuditFilter({ beforeSeq: '3' })).toThrow(/order=newest/);
    expect(() => parseAuditFilter({ order: 'newest', afterSeq: '3' })).toThrow();
    expect(() => parseAuditFilter({ order: 'sideways' })).toThrow();
  });

  it('walks more than one read chunk backwards', async () => {
    const hub = await hubWith(1205);
    const page = await queryAudit(
      hub.feed,
      parseAuditFilter({ order: 'newest', deviceId: 'dev-3', limit: '5' }),
      true,
    );
    expect(page.items.map((e) => e.id)).toEqual(['dev-3']);
    expect(page.nextBeforeSeq).toBeNull();
    const all = [];
    let before: number | null | undefined;
    do {
      const p = await queryAudit(
        hub.feed,
        parseAuditFilter({ order: 'newest', limit: '500', ...(before ? { beforeSeq: String(before) } : {}) }),
        true,
      );
      all.push(...seqs(p));
      before = p.nextBeforeSeq;
    } while (before);
    expect(all).toHaveLength(1207);
    expect(all[0]).toBe(1207);
    expect(all.at(-1)).toBe(1);
  });
});
