import { describe, expect, it } from 'vitest';
import {
  applyMergePatch,
  diffLeaves,
  mergePatchBetween,
  parseSection,
  sectionLeaves,
  withoutSystemKeys,
} from '../../../renderer/src/api/twins';

describe('twin editing in the operator UI (renderer/src/api/twins.ts)', () => {
  const before = { site: 'porto', floor: 1, owner: { team: 'ops', pager: 12 }, labels: ['a'] };
  const after = { site: 'lisbon', owner: { team: 'ops', room: 'B1' }, labels: ['a', 'b'], fresh: true };

  it('lists the added, changed and removed leaves of an edit', () => {
    expect(diffLeaves(before, after)).toEqual([
      { kind: 'removed', path: ['floor'], before: 1 },
      { kind: 'added', path: ['fresh'], after: true },
      { kind: 'changed', path: ['labels'], before: ['a'], after: ['a', 'b'] },
      { kind: 'removed', path: ['owner', 'pager'], before: 12 },
      { kind: 'added', path: ['owner', 'room'], after: 'B1' },
      { kind: 'changed', path: ['site'], before: 'porto', after: 'lisbon' },
    ]);
  });

  it('builds the merge patch that turns one section into the other, and re-applies it elsewhere', () => {
    const patch = mergePatchBetween(before, after);
    expect(patch).toEqual({
      floor: null,
      site: 'lisbon',
      owner: { pager: null, room: 'B1' },
      labels: ['a', 'b'],
      fresh: true,
    });
    expect(applyMergePatch(before, patch)).toEqual(after);
    // Emptying an object deletes its leaves: `{}` alone would merge as no change on the hub.
    expect(mergePatchBetween({ a: { b: 1, c: { d: 2 } } }, { a: {} })).toEqual({ a: { b: null, c: null } });
    expect(mergePatchBetween({ a: {} }, { a: {} })).toEqual({});
    // On a twin someone else changed meanwhile, only this edit's leaves move.
    expect(applyMergePatch({ ...before, other: 'kept' }, patch)).toEqual({ ...after, other: 'kept' });
  });

  it('refuses what the hub would refuse, in words', () => {
    expect(parseSection('{"a":', 'tags')).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('not valid JSON')],
    });
    expect(parseSection('[1]', 'desired')).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('an array')],
    });
    const bad = parseSection('{"a.b": 1, "$x": 2, "c d": 3, "e": null}', 'desired');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems).toHaveLength(4);
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10; i++) deep = { n: deep };
    expect(parseSection(JSON.stringify(deep), 'tags').ok).toBe(true);
    expect(parseSection(JSON.stringify({ n: deep }), 'tags').ok).toBe(false);
    expect(parseSection(JSON.stringify({ big: 'x'.repeat(4097) }), 'desired').ok).toBe(false);
    expect(
      parseSection(JSON.stringify({ a: 'x'.repeat(4000), b: 'x'.repeat(4000), c: 'x'.repeat(400) }), 'tags')
        .ok,
    ).toBe(false);
    expect(parseSection('{"telemetryInterval": 7}', 'desired')).toEqual({
      ok: true,
      value: { telemetryInterval: 7 },
    });
  });

  it('lists leaves with their $metadata times and drops the system members', () => {
    const desired = {
      a: 1,
      o: { b: 2 },
      $version: 4,
      $metadata: {
        $lastUpdated: 't0',
        a: { $lastUpdated: 't1' },
        o: { $lastUpdated: 't2', b: { $lastUpdated: 't3' } },
      },
    };
    expect(sectionLeaves(desired, desired.$metadata)).toEqual([
      { path: ['a'], value: 1, lastUpdated: 't1' },
      { path: ['o', 'b'], value: 2, lastUpdated: 't3' },
    ]);
    expect(withoutSystemKeys(desired)).toEqual({ a: 1, o: { b: 2 } });
  });
});
