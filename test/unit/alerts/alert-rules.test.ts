import { createHub, createMemoryStore, evaluateAlerts, parseAlertRuleInput } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../helpers/fake-clock';

const alice = { type: 'user', id: 'alice' } as const;
const T0 = Date.parse('2026-03-01T10:00:00Z');

describe('alert rule input', () => {
  it('fills defaults and refuses what cannot run', () => {
    expect(parseAlertRuleInput({ name: ' Lisbon ', condition: "tags.site = 'lisbon'" })).toEqual({
      name: 'Lisbon',
      kind: 'query',
      condition: "tags.site = 'lisbon'",
      comparison: '>',
      threshold: 0,
      severity: 'warning',
    });
    expect(parseAlertRuleInput({ name: 'quiet', kind: 'silent', silentMinutes: 15 })).toMatchObject({
      kind: 'silent',
      silentMinutes: 15,
    });
    const bad = [
      {},
      { name: 'x' },
      { name: 'x', condition: 'tags.site = ' },
      { name: 'x', condition: 'true', threshold: -1 },
      { name: 'x', condition: 'true', threshold: 1.5 },
      { name: 'x', condition: 'true', comparison: '!=' },
      { name: 'x', condition: 'true', severity: 'loud' },
      { name: 'x', kind: 'silent' },
      { name: 'x', kind: 'nope', condition: 'true' },
    ];
    for (const body of bad) expect(() => parseAlertRuleInput(body), JSON.stringify(body)).toThrow();
  });
});

describe('alert evaluation', () => {
  const rule = (over: Record<string, unknown>) => ({
    id: 'r',
    name: 'r',
    kind: 'query' as const,
    comparison: '>' as const,
    threshold: 0,
    severity: 'warning' as const,
    updatedAt: '',
    updatedBy: alice,
    ...over,
  });
  const twins = [
    {
      deviceId: 'b',
      tags: { site: 'lisbon' },
      properties: { reported: { battery: 10 } },
      lastActivityTime: '2026-03-01T09:00:00Z',
    },
    {
      deviceId: 'a',
      tags: { site: 'lisbon' },
      properties: { reported: { battery: 90 } },
      lastActivityTime: '2026-03-01T09:59:00Z',
    },
    {
      deviceId: 'c',
      tags: { site: 'porto' },
      properties: { reported: {} },
      lastActivityTime: '0001-01-01T00:00:00Z',
    },
  ];

  it('counts matches, lists ids sorted, and compares with the threshold', () => {
    const now = evaluateAlerts(
      [
        rule({ id: 'lisbon', condition: "tags.site = 'lisbon'" }),
        rule({ id: 'low', condition: 'properties.reported.battery < 20', threshold: 1 }),
        rule({ id: 'few', condition: "tags.site = 'porto'", comparison: '<', threshold: 2 }),
        rule({ id: 'silent', kind: 'silent', silentMinutes: 15 }),
        rule({ id: 'broken', condition: 'tags.site = ' }),
      ],
      twins,
      T0,
    );
    const by = Object.fromEntries(now.alerts.map((a) => [a.rule.id, a]));
    expect(by.lisbon).toMatchObject({ count: 2, deviceIds: ['a', 'b'], firing: true });
    expect(by.low).toMatchObject({ count: 1, deviceIds: ['b'], firing: false });
    expect(by.few).toMatchObject({ count: 1, firing: true });
    // Silent: seen before but not within 15 min; never-connected devices do not count.
    expect(by.silent).toMatchObject({ count: 1, deviceIds: ['b'], firing: true });
    expect(by.broken?.firing).toBe(false);
    expect(by.broken?.error).toMatch(/position/);
    expect(now.firing).toBe(3);
    expect(now.evaluatedAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('counts every match but keeps only the first ids, whatever the order of the twins', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      deviceId: `d-${String((i * 7919) % 5000).padStart(5, '0')}`,
      tags: { site: 'lisbon' },
    }));
    const [all] = evaluateAlerts([rule({ id: 'all', condition: "tags.site = 'lisbon'" })], many, T0).alerts;
    expect(all?.count).toBe(5000);
    expect(all?.deviceIds).toEqual(Array.from({ length: 20 }, (_, i) => `d-${String(i).padStart(5, '0')}`));
  });
});

describe('alert service', () => {
  it('stores rules through the store port, evaluates them over the twins, and deletes them', async () => {
    const store = createMemoryStore();
    const clock = createFakeClock(T0);
    // The first hub leaves the store open, so a second hub over it stands in for a restart.
    const hub = await createHub({
      store: { ...store, close: async () => {} },
      clock,
      adminPassword: 'pw-12345678',
    });
    await hub.registry.create({ deviceId: 'd1' }, alice);
    await hub.twins.patch('d1', { tags: { site: 'lisbon' } }, '*', alice);
    const { rule, created } = await hub.alerts.put(
      'lisbon',
      { name: 'Lisbon devices', condition: "tags.site = 'lisbon'" },
      alice,
    );
    expect(created).toBe(true);
    expect(rule).toMatchObject({ id: 'lisbon', updatedBy: alice, updatedAt: '2026-03-01T10:00:00.000Z' });
    expect((await hub.alerts.put('lisbon', { name: 'Lisbon', condition: 'true' }, alice)).created).toBe(
      false,
    );
    await hub.alerts.put('lisbon', { name: 'Lisbon devices', condition: "tags.site = 'lisbon'" }, alice);
    expect(hub.alerts.evaluate()).toMatchObject({ firing: 1, alerts: [{ count: 1, deviceIds: ['d1'] }] });
    // One evaluation serves every caller for 2 s (a rule edit drops it at once).
    await hub.registry.create({ deviceId: 'd2' }, alice);
    await hub.twins.patch('d2', { tags: { site: 'lisbon' } }, '*', alice);
    expect(hub.alerts.evaluate().alerts[0]?.count).toBe(1);
    clock.advance(2_000);
    expect(hub.alerts.evaluate().alerts[0]?.count).toBe(2);
    await hub.registry.delete('d2', '*', alice);
    await hub.alerts.put('lisbon', { name: 'Lisbon devices', condition: "tags.site = 'lisbon'" }, alice);
    expect(hub.alerts.evaluate().alerts[0]?.count).toBe(1);
    await expect(hub.alerts.put('bad id!', { name: 'x', condition: 'true' }, alice)).rejects.toThrow(/id/);
    await expect(hub.alerts.remove('nope', alice)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await hub.close();

    // A new hub over the same store finds the rule again.
    const again = await createHub({ store, clock });
    expect(again.alerts.list().map((r) => r.id)).toEqual(['lisbon']);
    await again.alerts.remove('lisbon', alice);
    expect(again.alerts.list()).toEqual([]);
    // Every edit is a change of the feed, with its operator: the audit trail shows them.
    const changes = (await again.feed.read(0, 100)).filter((c) => c.kind.startsWith('alertRule'));
    expect(changes.map((c) => [c.kind, c.id, c.actor])).toEqual([
      ['alertRuleSaved', 'lisbon', alice],
      ['alertRuleSaved', 'lisbon', alice],
      ['alertRuleSaved', 'lisbon', alice],
      ['alertRuleSaved', 'lisbon', alice],
      ['alertRuleDeleted', 'lisbon', alice],
    ]);
    await again.close();
  });
});
