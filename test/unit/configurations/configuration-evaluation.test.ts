import { afterEach, describe, expect, it } from 'vitest';
import {
  addDevices,
  type ConfigTestHub,
  config,
  configTestHub,
  desiredOf,
  markersOf,
  OWNER,
} from './helpers';

let t: ConfigTestHub;
afterEach(() => t?.hub.close());

const setTags = (id: string, tags: Record<string, unknown>) => t.hub.twins.patch(id, { tags }, '*', OWNER);

describe('configuration evaluation', () => {
  it('writes the content into targeted twins through a desired change, with markers in the twin', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { a: { site: 'A' }, b: { site: 'B' } });
    const before = t.hub.twins.get('a');
    await t.hub.configurations.create(
      'fw',
      config("tags.site = 'A'", { 'firmware.version': '1.3', interval: 30 }),
      OWNER,
    );
    await t.hub.configurations.evaluate();

    expect(desiredOf(t.hub, 'a')).toEqual({ firmware: { version: '1.3' }, interval: 30 });
    expect(desiredOf(t.hub, 'b')).toEqual({});
    const after = t.hub.twins.get('a');
    expect(after.properties.desired.$version).toBe((before.properties.desired.$version as number) + 1);
    expect(after.version).toBe(before.version + 1);
    expect(markersOf(t.hub, 'a')).toEqual({ fw: { status: 'Applied' } });
    expect(markersOf(t.hub, 'b')).toBeUndefined();

    const changes = await t.hub.feed.read(0, 1000);
    const desired = changes.find((c) => c.kind === 'twinDesiredChanged' && c.id === 'a');
    expect(desired?.actor).toEqual({ type: 'system', id: 'configuration:fw' });
    expect(desired?.patch).toEqual({ desired: { firmware: { version: '1.3' }, interval: 30, $version: 2 } });
    expect(changes.some((c) => c.kind === 'twinConfigurationsChanged' && c.id === 'a')).toBe(true);

    const applied = t.hub.query(
      "SELECT deviceId FROM devices WHERE configurations.[[fw]].status = 'Applied'",
    );
    expect(applied.rows).toEqual([{ deviceId: 'a' }]);
  });

  it('lets the higher priority win per path, and the newest win a tie', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { d: { site: 'A' } });
    await t.hub.configurations.create(
      'low',
      config('*', { fw: '1.0', interval: 10 }, { priority: 1 }),
      OWNER,
    );
    await t.hub.configurations.create(
      'high',
      config("tags.site = 'A'", { fw: '2.0' }, { priority: 5 }),
      OWNER,
    );
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ fw: '2.0', interval: 10 });

    t.clock.advance(1000);
    await t.hub.configurations.create('tie-newer', config('*', { fw: '3.0' }, { priority: 5 }), OWNER);
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ fw: '3.0', interval: 10 });
    expect(markersOf(t.hub, 'd')).toEqual({
      low: { status: 'Applied' },
      high: { status: 'Targeted' },
      'tie-newer': { status: 'Applied' },
    });
    expect(t.hub.configurations.get('high').systemMetrics.results).toEqual({
      targetedCount: 1,
      appliedCount: 0,
    });
  });

  it('moves a twin to another configuration when a tag changes, removing the old content', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { d: { ring: 'canary' } });
    await t.hub.configurations.create(
      'canary',
      config("tags.ring = 'canary'", { fw: '2.0-rc', canaryOnly: true }),
      OWNER,
    );
    await t.hub.configurations.create('stable', config("tags.ring = 'stable'", { fw: '1.9' }), OWNER);
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ fw: '2.0-rc', canaryOnly: true });

    await setTags('d', { ring: 'stable' });
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ fw: '1.9' });
    expect(markersOf(t.hub, 'd')).toEqual({ stable: { status: 'Applied' } });
    expect(t.hub.configurations.get('canary').systemMetrics.results).toEqual({
      targetedCount: 0,
      appliedCount: 0,
    });
    expect(t.hub.configurations.get('stable').systemMetrics.results).toEqual({
      targetedCount: 1,
      appliedCount: 1,
    });
  });

  it('re-applies the next configuration when the winner stops matching, and cleans up on delete', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { d: { site: 'A', vip: true } });
    await t.hub.twins.patch('d', { properties: { desired: { mine: 'operator' } } }, '*', OWNER);
    await t.hub.configurations.create('base', config('*', { fw: '1.0' }, { priority: 1 }), OWNER);
    await t.hub.configurations.create(
      'vip',
      config('tags.vip = true', { fw: '9.9' }, { priority: 9 }),
      OWNER,
    );
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ mine: 'operator', fw: '9.9' });

    await setTags('d', { vip: null });
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ mine: 'operator', fw: '1.0' });

    await t.hub.configurations.delete('base', undefined, OWNER);
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ mine: 'operator' });
    expect(markersOf(t.hub, 'd')).toBeUndefined();
  });

  it('removes a path whose content is null', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { d: {} });
    await t.hub.twins.patch('d', { properties: { desired: { legacy: { on: true }, keep: 1 } } }, '*', OWNER);
    await t.hub.configurations.create('cleanup', config('*', { legacy: null }), OWNER);
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ keep: 1 });
    expect(markersOf(t.hub, 'd')).toEqual({ cleanup: { status: 'Applied' } });
  });

  it('does not loop: its own writes trigger nothing, and a second pass writes nothing', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { a: {}, b: {} });
    await t.hub.configurations.create('all', config('*', { fw: '1.0' }), OWNER);
    await t.hub.configurations.evaluate();
    const seq = t.hub.feed.lastSeq();
    const version = t.hub.twins.get('a').properties.desired.$version;
    const stats = t.hub.configurations.stats();
    expect(stats.desiredWrites).toBe(2);
    expect(t.timers.pending()).not.toContain(200);

    t.timers.fire(5 * 60_000);
    await t.hub.configurations.evaluate();
    expect(t.hub.feed.lastSeq()).toBe(seq);
    expect(t.hub.twins.get('a').properties.desired.$version).toBe(version);
    expect(t.hub.configurations.stats()).toMatchObject({
      desiredWrites: 2,
      markerWrites: stats.markerWrites,
    });
  });

  it('restores a managed path an operator overwrote, and leaves unmanaged paths alone', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { d: {} });
    await t.hub.configurations.create('all', config('*', { fw: '1.0' }), OWNER);
    await t.hub.configurations.evaluate();
    await t.hub.twins.patch('d', { properties: { desired: { fw: 'hacked', note: 'x' } } }, '*', OWNER);
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ fw: '1.0', note: 'x' });
  });

  it('re-evaluates on reported properties and on new devices', async () => {
    t = await configTestHub();
    await t.hub.configurations.create(
      'old-fw',
      config("properties.reported.fw = '1.0'", { upgrade: true }),
      OWNER,
    );
    await addDevices(t.hub, { d: {} });
    await t.hub.twins.patchReported('d', { fw: '1.0' }, { type: 'device', id: 'd' });
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'd')).toEqual({ upgrade: true });
  });

  it('batches a burst of changes into few passes instead of one per change', async () => {
    t = await configTestHub();
    await t.hub.configurations.create('all', config("tags.kind = 'meter'", { interval: 60 }), OWNER);
    await t.hub.configurations.evaluate();
    const passes = t.hub.configurations.stats().passes;
    const body = Array.from({ length: 100 }, (_, i) => ({
      id: `m${i}`,
      importMode: 'create',
      tags: { kind: 'meter' },
    }));
    for (let i = 0; i < 5; i++) {
      const batch = body.map((e) => ({ ...e, id: `${e.id}-${i}` }));
      expect(await t.hub.bulk(batch, OWNER)).toEqual([]);
    }
    // Nothing ran yet: the burst waits for the debounce timer.
    expect(t.hub.configurations.stats().passes).toBe(passes);
    t.timers.fire(200);
    await t.hub.configurations.evaluate();
    expect(t.hub.configurations.stats().passes).toBe(passes + 1);
    expect(t.hub.configurations.get('all').systemMetrics.results).toEqual({
      targetedCount: 500,
      appliedCount: 500,
    });
  });

  it('runs a full pass on the periodic timer', async () => {
    t = await configTestHub();
    await t.hub.configurations.evaluate();
    const passes = t.hub.configurations.stats().passes;
    t.timers.fire(5 * 60_000);
    expect(t.timers.pending()).toEqual(expect.arrayContaining([200, 5 * 60_000]));
    await t.hub.configurations.evaluate();
    expect(t.hub.configurations.stats().passes).toBe(passes + 1);
  });

  it('counts custom metrics as the rows each query returns', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { a: { site: 'A' }, b: { site: 'A' }, c: { site: 'B' } });
    await t.hub.twins.patchReported('a', { fw: '1.3' }, { type: 'device', id: 'a' });
    const metrics = {
      queries: {
        done: "SELECT deviceId FROM devices WHERE properties.reported.fw = '1.3'",
        bySite: 'SELECT tags.site AS site, COUNT() AS n FROM devices GROUP BY tags.site',
        top1: 'SELECT TOP 1 deviceId FROM devices',
      },
    };
    await t.hub.configurations.create('fw', config("tags.site = 'A'", { fw: '1.3' }, { metrics }), OWNER);
    await t.hub.configurations.evaluate();
    const doc = t.hub.configurations.get('fw');
    expect(doc.metrics.results).toEqual({ done: 1, bySite: 2, top1: 1 });
    expect(doc.systemMetrics.results).toEqual({ targetedCount: 2, appliedCount: 2 });
  });

  it('keeps markers unchanged for a twin the content cannot fit, and carries on with the others', async () => {
    t = await configTestHub();
    await addDevices(t.hub, { full: {}, ok: {} });
    const big = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, 'x'.repeat(4000)]));
    await t.hub.twins.patch('full', { properties: { desired: big } }, '*', OWNER);
    await t.hub.configurations.create('all', config('*', { extra: 'y'.repeat(4000) }), OWNER);
    await t.hub.configurations.evaluate();
    expect(desiredOf(t.hub, 'ok')).toEqual({ extra: 'y'.repeat(4000) });
    expect(markersOf(t.hub, 'full')).toBeUndefined();
    expect(t.hub.configurations.stats().failures).toBe(1);
  });
});
