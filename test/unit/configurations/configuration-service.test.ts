import type { ConfigurationDocument, HubError } from '@outpost/core';
import { afterEach, describe, expect, it } from 'vitest';
import { addDevices, type ConfigTestHub, config, configTestHub, OWNER } from './helpers';

let t: ConfigTestHub;
afterEach(() => t?.hub.close());

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return (err as HubError).code;
  }
  return 'none';
};

describe('configuration CRUD', () => {
  it('creates with defaults, server fields and metrics, and reads it back', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { a: { site: 'A' }, b: { site: 'B' } });
    const created = await t.hub.configurations.create(
      'fw',
      config("tags.site = 'A'", { fw: '1.3' }, { labels: { ring: '1' }, priority: 10 }),
      OWNER,
    );
    expect(created).toMatchObject({
      id: 'fw',
      schemaVersion: '1.0',
      labels: { ring: '1' },
      content: { deviceContent: { 'properties.desired.fw': '1.3' } },
      targetCondition: "tags.site = 'A'",
      priority: 10,
      createdTimeUtc: '2024-05-01T10:00:00.000Z',
      lastUpdatedTimeUtc: '2024-05-01T10:00:00.000Z',
      systemMetrics: { results: { targetedCount: 1, appliedCount: 0 } },
      metrics: { queries: {}, results: {} },
    });
    expect(created.etag).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(created).not.toHaveProperty('createdSeq');
    await t.hub.configurations.evaluate();
    expect(t.hub.configurations.get('fw').systemMetrics.results).toEqual({
      targetedCount: 1,
      appliedCount: 1,
    });
  });

  it('refuses a duplicate (409), an unknown id (404), a bad id and a body id that differs', async () => {
    t = await configTestHub();
    await t.hub.configurations.create('c1', config('*', { a: 1 }), OWNER);
    expect(await rejection(t.hub.configurations.create('c1', config('*', { a: 1 }), OWNER))).toBe(
      'CONFIGURATION_ALREADY_EXISTS',
    );
    expect(() => t.hub.configurations.get('nope')).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_NOT_FOUND' }),
    );
    expect(await rejection(t.hub.configurations.delete('nope', undefined, OWNER))).toBe(
      'CONFIGURATION_NOT_FOUND',
    );
    expect(await rejection(t.hub.configurations.create('Bad', config('*', { a: 1 }), OWNER))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      await rejection(t.hub.configurations.create('c2', { ...config('*', { a: 1 }), id: 'c3' }, OWNER)),
    ).toBe('INVALID_ARGUMENT');
    expect(await rejection(t.hub.configurations.create('c2', { targetCondition: '*' }, OWNER))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('updates only the mutable members, with a new etag, from the whole object as read back', async () => {
    t = await configTestHub();
    const created = await t.hub.configurations.create(
      'c1',
      config('*', { a: 1 }, { schemaVersion: '1.0' }),
      OWNER,
    );
    t.clock.advance(60_000);
    const sent: ConfigurationDocument = {
      ...created,
      priority: 7,
      labels: { ring: '2' },
      targetCondition: "tags.x = 'y'",
      metrics: { queries: { n: 'SELECT deviceId FROM devices' }, results: { n: 99 } },
      systemMetrics: { ...created.systemMetrics, results: { targetedCount: 42, appliedCount: 42 } },
      createdTimeUtc: 'ignored',
    };
    const updated = await t.hub.configurations.update('c1', sent, created.etag, OWNER);
    expect(updated).toMatchObject({
      priority: 7,
      labels: { ring: '2' },
      targetCondition: "tags.x = 'y'",
      createdTimeUtc: created.createdTimeUtc,
      lastUpdatedTimeUtc: '2024-05-01T10:01:00.000Z',
      metrics: { queries: { n: 'SELECT deviceId FROM devices' }, results: { n: 0 } },
      systemMetrics: { results: { targetedCount: 0, appliedCount: 0 } },
    });
    expect(updated.etag).not.toBe(created.etag);
    expect(await rejection(t.hub.configurations.update('c1', sent, created.etag, OWNER))).toBe(
      'PRECONDITION_FAILED',
    );
    expect(await rejection(t.hub.configurations.update('c1', sent, '*', OWNER))).toBe('none');
  });

  it('refuses changed content with CONFIGURATION_CONTENT_IMMUTABLE, but accepts it resent unchanged', async () => {
    t = await configTestHub();
    const created = await t.hub.configurations.create('c1', config('*', { a: 1, b: { c: 2 } }), OWNER);
    const changed = { ...created, content: { deviceContent: { 'properties.desired.a': 2 } } };
    expect(await rejection(t.hub.configurations.update('c1', changed, '*', OWNER))).toBe(
      'CONFIGURATION_CONTENT_IMMUTABLE',
    );
    const reordered = {
      ...created,
      content: { deviceContent: { 'properties.desired.b': { c: 2 }, 'properties.desired.a': 1 } },
    };
    expect(await rejection(t.hub.configurations.update('c1', reordered, '*', OWNER))).toBe('none');
    const { content: _c, ...withoutContent } = created;
    expect(await rejection(t.hub.configurations.update('c1', withoutContent, '*', OWNER))).toBe('none');
  });

  it('deletes with or without If-Match (412 on a stale one)', async () => {
    t = await configTestHub();
    const c = await t.hub.configurations.create('c1', config('*', { a: 1 }), OWNER);
    expect(await rejection(t.hub.configurations.delete('c1', 'c3RhbGU=', OWNER))).toBe('PRECONDITION_FAILED');
    await t.hub.configurations.delete('c1', c.etag, OWNER);
    await t.hub.configurations.create('c2', config('*', { a: 1 }), OWNER);
    await t.hub.configurations.delete('c2', undefined, OWNER);
    expect(t.hub.configurations.list()).toEqual([]);
  });

  it('lists by id, honours top, and caps custom metrics at 5', async () => {
    t = await configTestHub();
    for (const id of ['b', 'c', 'a']) await t.hub.configurations.create(id, config('*', { x: 1 }), OWNER);
    expect(t.hub.configurations.list().map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(t.hub.configurations.list(2).map((c) => c.id)).toEqual(['a', 'b']);
    const six = Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`m${i}`, 'SELECT deviceId FROM devices']));
    expect(
      await rejection(
        t.hub.configurations.create('d', config('*', { x: 1 }, { metrics: { queries: six } }), OWNER),
      ),
    ).toBe('INVALID_ARGUMENT');
  });

  it('records every mutation in the change feed and survives a restart', async () => {
    t = await configTestHub();
    const before = t.hub.feed.lastSeq();
    const c = await t.hub.configurations.create('c1', config('*', { a: 1 }), OWNER);
    await t.hub.configurations.update('c1', { ...c, priority: 3 }, c.etag, OWNER);
    await t.hub.configurations.create('c2', config('*', { b: 1 }), OWNER);
    await t.hub.configurations.delete('c2', undefined, OWNER);
    const kinds = (await t.hub.feed.read(before, 100)).map((ch) => `${ch.kind}:${ch.id}:${ch.actor.id}`);
    expect(kinds).toEqual([
      'configurationCreated:c1:iothubowner',
      'configurationUpdated:c1:iothubowner',
      'configurationCreated:c2:iothubowner',
      'configurationDeleted:c2:iothubowner',
    ]);
    const kept = t.hub.configurations.get('c1');
    await t.hub.close();
    t = await configTestHub(t.store);
    expect(t.hub.configurations.list()).toEqual([kept]);
  });
});
