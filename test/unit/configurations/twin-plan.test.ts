import { type ActiveConfiguration, contentEntries, planTwin } from '@outpost/core';
import { describe, expect, it } from 'vitest';

/** A configuration that targets every twin; `seq` stands for its creation order. */
function cfg(
  id: string,
  priority: number,
  seq: number,
  desired: Record<string, unknown>,
): ActiveConfiguration {
  const content = Object.fromEntries(Object.entries(desired).map(([k, v]) => [`properties.desired.${k}`, v]));
  return { id, priority, createdSeq: seq, entries: contentEntries(content), matches: () => true };
}

describe('planTwin', () => {
  it('sets each path from the highest-priority configuration that has it', () => {
    const hi = cfg('hi', 10, 1, { fw: '2.0' });
    const lo = cfg('lo', 1, 2, { fw: '1.0', interval: 30 });
    const plan = planTwin({ desired: {}, previous: undefined, matching: [hi, lo] });
    expect(plan.desiredPatch).toEqual({ fw: '2.0', interval: 30 });
    expect(plan.markers).toEqual({
      hi: { status: 'Applied', paths: ['fw'] },
      lo: { status: 'Applied', paths: ['interval'] },
    });
    expect(plan.actorId).toBe('hi');
  });

  it('marks a configuration that wins no path as Targeted', () => {
    const plan = planTwin({
      desired: {},
      previous: undefined,
      matching: [cfg('new', 5, 9, { fw: 'b' }), cfg('old', 5, 3, { fw: 'a' })],
    });
    expect(plan.desiredPatch).toEqual({ fw: 'b' });
    expect(plan.markers).toEqual({ new: { status: 'Applied', paths: ['fw'] }, old: { status: 'Targeted' } });
  });

  it('lets a winner at an ancestor path override a loser below it, and merges a winner below a loser', () => {
    const over = planTwin({
      desired: {},
      previous: undefined,
      matching: [cfg('a', 9, 1, { fan: { speed: 1 } }), cfg('b', 1, 2, { 'fan.mode': 'eco' })],
    });
    expect(over.desiredPatch).toEqual({ fan: { speed: 1 } });
    expect(over.markers.b).toEqual({ status: 'Targeted' });

    const merged = planTwin({
      desired: {},
      previous: undefined,
      matching: [cfg('a', 9, 1, { 'fan.mode': 'eco' }), cfg('b', 1, 2, { fan: { speed: 1, mode: 'max' } })],
    });
    expect(merged.desiredPatch).toEqual({ fan: { speed: 1, mode: 'eco' } });
  });

  it('plans nothing when desired already holds what the configurations want', () => {
    const plan = planTwin({
      desired: { fw: '2.0', other: 1 },
      previous: { hi: { status: 'Applied', paths: ['fw'] } },
      matching: [cfg('hi', 1, 1, { fw: '2.0' })],
    });
    expect(plan.desiredPatch).toBeUndefined();
    expect(plan.markers).toEqual({ hi: { status: 'Applied', paths: ['fw'] } });
  });

  it('removes the paths of a configuration that no longer targets the twin, keeping other members', () => {
    const plan = planTwin({
      desired: { fw: '2.0', fan: { speed: 3, mode: 'eco' }, mine: true },
      previous: { gone: { status: 'Applied', paths: ['fw', 'fan.mode'] } },
      matching: [],
    });
    expect(plan.desiredPatch).toEqual({ fw: null, fan: { mode: null } });
    expect(plan.markers).toEqual({});
    expect(plan.actorId).toBe('gone');
  });

  it('applies the next configuration where the previous winner left', () => {
    const plan = planTwin({
      desired: { fw: '2.0' },
      previous: { hi: { status: 'Applied', paths: ['fw'] }, lo: { status: 'Targeted' } },
      matching: [cfg('lo', 1, 1, { fw: '1.0' })],
    });
    expect(plan.desiredPatch).toEqual({ fw: '1.0' });
    expect(plan.markers).toEqual({ lo: { status: 'Applied', paths: ['fw'] } });
  });

  it('removes a path whose content is null and owns nothing for it', () => {
    const plan = planTwin({
      desired: { legacy: { x: 1 }, keep: 1 },
      previous: undefined,
      matching: [cfg('clean', 1, 1, { legacy: null })],
    });
    expect(plan.desiredPatch).toEqual({ legacy: null });
    expect(plan.markers).toEqual({ clean: { status: 'Applied' } });
  });

  it('keeps an id such as __proto__ as an ordinary marker key', () => {
    const plan = planTwin({ desired: {}, previous: undefined, matching: [cfg('__proto__', 1, 1, { a: 1 })] });
    expect(Object.keys(plan.markers)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(plan.markers)).toBe(Object.prototype);
  });
});
