import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../core/src/errors';
import { applyMergePatch, cloneJson, isPlainObject, touchedPaths } from '../../../core/src/twins/json-merge';

type Obj = Record<string, unknown>;

describe('applyMergePatch', () => {
  it.each<[string, Obj, Obj, Obj]>([
    ['adds a new key', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ['replaces a scalar', { a: 1 }, { a: 'x' }, { a: 'x' }],
    ['leaves absent keys alone', { a: 1, b: { c: 2 } }, {}, { a: 1, b: { c: 2 } }],
    ['deletes a key set to null', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['ignores a null for a key that is not there', { a: 1 }, { z: null }, { a: 1 }],
    ['merges nested objects', { a: { b: 1, c: 2 } }, { a: { c: 3, d: 4 } }, { a: { b: 1, c: 3, d: 4 } }],
    ['deletes inside a nested object', { a: { b: 1, c: 2 } }, { a: { b: null } }, { a: { c: 2 } }],
    ['leaves {} when the last key is deleted', { a: { b: 1 } }, { a: { b: null } }, { a: {} }],
    ['leaves {} at the root when the last key is deleted', { a: 1 }, { a: null }, {}],
    ['replaces an array whole', { a: [1, 2, 3] }, { a: [4] }, { a: [4] }],
    ['does not merge into array elements', { a: [{ x: 1 }] }, { a: [{ y: 2 }] }, { a: [{ y: 2 }] }],
    ['keeps nulls inside arrays as given', { a: 1 }, { a: [1, null] }, { a: [1, null] }],
    ['replaces an object with a scalar', { a: { b: 1 } }, { a: 5 }, { a: 5 }],
    ['replaces a scalar with an object', { a: 5 }, { a: { b: 1 } }, { a: { b: 1 } }],
    [
      'drops nested nulls when creating an object',
      { a: 5 },
      { a: { b: null, c: { d: null } } },
      { a: { c: {} } },
    ],
    ['replaces an array with an object', { a: [1] }, { a: { b: 1 } }, { a: { b: 1 } }],
    ['treats undefined members as absent', { a: 1 }, { a: undefined, b: 2 }, { a: 1, b: 2 }],
    ['keeps false, 0 and empty string', {}, { a: false, b: 0, c: '' }, { a: false, b: 0, c: '' }],
  ])('%s', (_name, target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('changes neither input and shares nothing with them', () => {
    const target = { a: { b: 1 }, keep: { deep: [1, { x: 1 }] } };
    const patch = { a: { c: [1, 2] }, n: { m: 1 } };
    const targetCopy = structuredClone(target);
    const patchCopy = structuredClone(patch);
    const result = applyMergePatch(target, patch);
    expect(target).toEqual(targetCopy);
    expect(patch).toEqual(patchCopy);
    expect(result.keep).not.toBe(target.keep);
    expect(result.n).not.toBe(patch.n);
    expect((result.a as Obj).c).not.toBe(patch.a.c);
  });

  it('treats __proto__ as an ordinary key', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"x": 1}}') as Obj;
    const result = applyMergePatch({}, patch);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Obj).polluted).toBeUndefined();
  });

  it('refuses values JSON cannot carry', () => {
    let caught: unknown;
    try {
      applyMergePatch({}, { a: { when: new Date(0) } });
    } catch (err) {
      caught = err;
    }
    expect(isHubError(caught, 'INVALID_ARGUMENT')).toBe(true);
    expect((caught as Error).message).toBe('Value at a.when is not JSON (object)');
  });
});

describe('touchedPaths', () => {
  it('lists objects before their children, with the kind of each touch', () => {
    expect(touchedPaths({ a: { b: 1, c: null, d: { e: [1] } }, f: null, g: 'x', h: undefined })).toEqual([
      { path: ['a'], kind: 'object' },
      { path: ['a', 'b'], kind: 'set' },
      { path: ['a', 'c'], kind: 'deleted' },
      { path: ['a', 'd'], kind: 'object' },
      { path: ['a', 'd', 'e'], kind: 'set' },
      { path: ['f'], kind: 'deleted' },
      { path: ['g'], kind: 'set' },
    ]);
  });

  it('is empty for an empty patch', () => {
    expect(touchedPaths({})).toEqual([]);
  });
});

describe('cloneJson and isPlainObject', () => {
  it.each([
    [{}, true],
    [Object.create(null), true],
    [[], false],
    [null, false],
    [new Date(0), false],
    ['x', false],
  ])('isPlainObject(%o) is %s', (value, expected) => {
    expect(isPlainObject(value)).toBe(expected);
  });

  it('names the path of a bad value, escaping ;', () => {
    expect(() => applyMergePatch({}, { 'a;b': [1, { c: () => 1 }] })).toThrow(
      'Value at a\\u003bb[1].c is not JSON (function)',
    );
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, () => 1, 1n])('refuses %s', (value) => {
    expect(() => cloneJson(value)).toThrow(/is not JSON/);
  });

  it('copies deeply', () => {
    const value = { a: [{ b: 1 }] };
    const copy = cloneJson(value);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
  });
});
