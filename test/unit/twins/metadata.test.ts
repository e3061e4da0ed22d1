import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../../core/src/twins/json-merge';
import { buildMetadataForReplace, type MetadataNode, updateMetadata } from '../../../core/src/twins/metadata';

const T0 = '2024-05-01T09:00:00.000Z';
const T1 = '2024-05-01T10:00:00.000Z';

/** Metadata of `{ a: 1, obj: { x: 1, y: { z: 1 } }, arr: [1, 2] }` written at T0, desired version 3. */
function previousTree(): MetadataNode {
  return buildMetadataForReplace({ a: 1, obj: { x: 1, y: { z: 1 } }, arr: [1, 2] }, T0, 3);
}

describe('buildMetadataForReplace', () => {
  it('stamps the root, every object and every leaf, with the version when given', () => {
    const v = { $lastUpdated: T0, $lastUpdatedVersion: 3 };
    expect(previousTree()).toEqual({
      ...v,
      a: v,
      obj: { ...v, x: v, y: { ...v, z: v } },
      arr: v,
    });
  });

  it('stamps without a version for reported properties', () => {
    expect(buildMetadataForReplace({ temp: 21.5 }, T1)).toEqual({
      $lastUpdated: T1,
      temp: { $lastUpdated: T1 },
    });
  });

  it('gives a bare root for an empty section', () => {
    expect(buildMetadataForReplace({}, T0, 1)).toEqual({ $lastUpdated: T0, $lastUpdatedVersion: 1 });
  });
});

describe('updateMetadata', () => {
  const old = { $lastUpdated: T0, $lastUpdatedVersion: 3 };
  const now = { $lastUpdated: T1, $lastUpdatedVersion: 4 };

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'stamps a changed top-level leaf and the root only',
      { a: 2 },
      { ...now, a: now, obj: previousTree().obj, arr: old },
    ],
    [
      'stamps a nested leaf and each object on its path',
      { obj: { y: { z: 2 } } },
      { ...now, a: old, obj: { ...now, x: old, y: { ...now, z: now } }, arr: old },
    ],
    ['adds a node for a new key', { b: true }, { ...now, a: old, obj: previousTree().obj, arr: old, b: now }],
    [
      'removes the node of a deleted key and stamps its parent',
      { obj: { x: null } },
      { ...now, a: old, obj: { ...now, y: { ...old, z: old } }, arr: old },
    ],
    ['removes a whole subtree deleted at the root', { obj: null }, { ...now, a: old, arr: old }],
    [
      'drops child nodes when an object is replaced by a leaf',
      { obj: 5 },
      { ...now, a: old, obj: now, arr: old },
    ],
    ['restamps an array replaced whole', { arr: [3] }, { ...now, a: old, obj: previousTree().obj, arr: now }],
    [
      'builds nodes for an object replacing a leaf',
      { a: { p: 1, q: { r: 1 } } },
      { ...now, a: { ...now, p: now, q: { ...now, r: now } }, obj: previousTree().obj, arr: old },
    ],
    ['stamps the root even for an empty patch', {}, { ...now, a: old, obj: previousTree().obj, arr: old }],
  ])('%s', (_name, patch, expected) => {
    expect(updateMetadata(previousTree(), patch, T1, 4)).toEqual(expected);
  });

  it('stamps without a version and drops a stale one (reported)', () => {
    const prev = buildMetadataForReplace({ a: 1, b: 1 }, T0);
    expect(updateMetadata(prev, { a: 2 }, T1)).toEqual({
      $lastUpdated: T1,
      a: { $lastUpdated: T1 },
      b: { $lastUpdated: T0 },
    });
    expect(updateMetadata(previousTree(), { a: 2 }, T1).a).toEqual({ $lastUpdated: T1 });
  });

  it('starts from nothing when there is no previous metadata', () => {
    expect(updateMetadata(undefined, { a: 1, b: null }, T1, 1)).toEqual({
      $lastUpdated: T1,
      $lastUpdatedVersion: 1,
      a: { $lastUpdated: T1, $lastUpdatedVersion: 1 },
    });
  });

  it('does not change the previous tree or share nodes with it', () => {
    const prev = previousTree();
    const copy = structuredClone(prev);
    const next = updateMetadata(prev, { a: 2 }, T1, 4);
    expect(prev).toEqual(copy);
    expect(next.obj).toEqual(prev.obj);
    expect(next.obj).not.toBe(prev.obj);
  });

  it('skips $ keys so the stamps stay intact', () => {
    const next = updateMetadata(previousTree(), { $lastUpdated: { x: 1 }, $version: 9 }, T1, 4);
    expect(next.$lastUpdated).toBe(T1);
    expect(next.$version).toBeUndefined();
  });

  it('keeps mirroring the values over a sequence of patches', () => {
    let values: Record<string, unknown> = {};
    let meta = buildMetadataForReplace(values, T0, 1);
    const patches = [
      { a: { b: 1, c: [1] } },
      { a: { b: null } },
      { a: 3 },
      { d: { e: { f: 'x' } } },
      { d: null },
    ];
    patches.forEach((patch, i) => {
      values = applyMergePatch(values, patch);
      meta = updateMetadata(meta, patch, T1, i + 2);
    });
    expect(values).toEqual({ a: 3 });
    expect(meta).toEqual({
      $lastUpdated: T1,
      $lastUpdatedVersion: 6,
      a: { $lastUpdated: T1, $lastUpdatedVersion: 4 },
    });
  });
});
