import { describe, expect, it } from 'vitest';
import { type ErrorCode, HubError } from '../../../core/src/errors';
import {
  checkSection,
  MAX_TWIN_DEPTH,
  MAX_TWIN_INTEGER,
  MAX_TWIN_KEY_BYTES,
  MAX_TWIN_PATCH_DEPTH,
  MAX_TWIN_SECTION_BYTES,
  MAX_TWIN_STRING_BYTES,
  MIN_TWIN_INTEGER,
  sectionPath,
  sectionSize,
  type TwinSection,
  validatePatchShape,
} from '../../../core/src/twins/limits';

type Obj = Record<string, unknown>;

/** The HubError `fn` throws; fails the test when it throws nothing or something else. */
function errorOf(fn: () => unknown): HubError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HubError) {
      // The IoT Hub error wire splits on `;`: no message may contain one.
      expect(err.message).not.toContain(';');
      return err;
    }
    throw err;
  }
  throw new Error('expected a HubError, nothing was thrown');
}

function expectRefused(fn: () => unknown, code: ErrorCode, message: string | RegExp): void {
  const err = errorOf(fn);
  expect(err.code).toBe(code);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
}

/** `{k1: {k2: … {kN: inner}}}`: N objects below the root, `inner` as the innermost members. */
function nest(levels: number, inner: Obj = { property: 'value' }): Obj {
  let tree: Obj = inner;
  for (let i = levels; i >= 1; i--) tree = { [`k${i}`]: tree };
  return tree;
}

/** A section of `count` keys `a`, `b`, … each holding a string, sized to `total` bytes in all. */
function sizedSection(count: number, total: number): Obj {
  const tree: Obj = {};
  const each = Math.floor(total / count);
  for (let i = 0; i < count; i++) {
    const extra = i === count - 1 ? total - each * count : 0;
    tree[String.fromCharCode(97 + i)] = 'x'.repeat(each + extra - 1);
  }
  return tree;
}

describe('constants', () => {
  it('match the IoT Hub limits', () => {
    expect(MAX_TWIN_SECTION_BYTES).toEqual({ tags: 8192, desired: 32768, reported: 32768 });
    expect([MAX_TWIN_KEY_BYTES, MAX_TWIN_STRING_BYTES, MAX_TWIN_DEPTH]).toEqual([1024, 4096, 10]);
    expect([MIN_TWIN_INTEGER, MAX_TWIN_INTEGER]).toEqual([-(2 ** 52), 2 ** 52 - 1]);
  });

  it.each<[TwinSection, string]>([
    ['tags', 'tags'],
    ['desired', 'properties.desired'],
    ['reported', 'properties.reported'],
  ])('sectionPath(%s) is %s', (section, path) => {
    expect(sectionPath(section)).toBe(path);
  });
});

describe('sectionSize', () => {
  it.each<[string, Obj, number]>([
    ['empty', {}, 0],
    ['a number counts 8', { n: 1 }, 9],
    ['a float counts 8', { n: 1.25 }, 9],
    ['a boolean counts 4', { b: false }, 5],
    ['strings count UTF-8 bytes', { s: 'é€😀' }, 1 + 2 + 3 + 4],
    ['control characters are not counted', { s: 'a\u0001\u0085b', 'k\u0007': 1 }, 3 + 9],
    ['nested objects count their contents', { o: { x: 1, y: 'ab' } }, 1 + (1 + 8) + (1 + 2)],
    ['arrays count their elements', { arr: [1, 'ab', true, null, { k: 1 }] }, 3 + 8 + 2 + 4 + 4 + 9],
    ['undefined members are absent', { a: undefined, b: 1 }, 9],
  ])('%s', (_name, tree, size) => {
    expect(sectionSize(tree)).toBe(size);
  });
});

describe('checkSection: section size', () => {
  it.each<[TwinSection, number, string]>([
    ['tags', 2, 'Twin tags exceed 8192 bytes (8193)'],
    ['desired', 8, 'Twin desired properties exceed 32768 bytes (32769)'],
    ['reported', 8, 'Twin reported properties exceed 32768 bytes (32769)'],
  ])('%s: the limit passes, one byte more fails', (section, keys, message) => {
    const limit = MAX_TWIN_SECTION_BYTES[section];
    const atLimit = sizedSection(keys, limit);
    expect(sectionSize(atLimit)).toBe(limit);
    expect(() => checkSection(section, atLimit)).not.toThrow();
    const over = sizedSection(keys, limit + 1);
    expectRefused(() => checkSection(section, over), 'TWIN_LIMIT_EXCEEDED', message);
  });

  it('counts numbers and booleans by their fixed sizes, not their text', () => {
    // 910 keys `nNNN` with a number: 910 × (4 + 8) = 10920 bytes, over the 8 KB of tags.
    const tree: Obj = {};
    for (let i = 0; i < 910; i++) tree[`n${String(i).padStart(3, '0')}`] = 1;
    expectRefused(
      () => checkSection('tags', tree),
      'TWIN_LIMIT_EXCEEDED',
      'Twin tags exceed 8192 bytes (10920)',
    );
  });
});

describe('checkSection: keys', () => {
  it.each([
    ['.', `Key 'a.b' at properties.desired.x contains '.'`, 'a.b'],
    ['$', `Key '$version' at properties.desired.x contains '$'`, '$version'],
    ['space', `Key 'a b' at properties.desired.x contains a space`, 'a b'],
    ['NUL', `Key 'a\\u0000' at properties.desired.x contains control character U+0000`, 'a\u0000'],
    ['U+001F', `Key '\\u001f' at properties.desired.x contains control character U+001F`, '\u001f'],
    ['DEL', `Key '\\u007f' at properties.desired.x contains control character U+007F`, '\u007f'],
    ['C1 U+0080', `Key '\\u0080' at properties.desired.x contains control character U+0080`, '\u0080'],
    ['C1 U+009F', `Key '\\u009f' at properties.desired.x contains control character U+009F`, '\u009f'],
    ['empty', 'Empty key at properties.desired.x', ''],
  ])('refuses %s', (_name, message, key) => {
    expectRefused(() => checkSection('desired', { x: { [key]: 1 } }), 'TWIN_LIMIT_EXCEEDED', message);
  });

  it.each(['a-b_c', 'A:B', 'caf\u00e9', 'nb\u00a0sp', 'semi;colon', '#', '😀', '__proto__'])(
    'accepts %j',
    (key) => {
      const tree = JSON.parse(JSON.stringify({ [key]: 1 })) as Obj;
      expect(() => checkSection('tags', tree)).not.toThrow();
    },
  );

  it('escapes ; and control characters of echoed keys and paths', () => {
    const err = errorOf(() => checkSection('tags', { 'x;y': { 'a;b.c': 1 } }));
    expect(err.message).toBe(`Key 'a\\u003bb.c' at tags.x\\u003by contains '.'`);
  });

  it.each<[string, string]>([
    ['ASCII', 'k'],
    ['two-byte', 'é'],
  ])('key length (%s): 1024 bytes pass, 1025 fail', (_name, unit) => {
    const bytes = unit === 'k' ? 1 : 2;
    const atLimit = unit.repeat(MAX_TWIN_KEY_BYTES / bytes);
    expect(() => checkSection('desired', { [atLimit]: 1 })).not.toThrow();
    const over = unit === 'k' ? `${atLimit}k` : `${atLimit}é`;
    const overBytes = MAX_TWIN_KEY_BYTES + bytes;
    expectRefused(
      () => checkSection('desired', { o: { [over]: 1 } }),
      'TWIN_LIMIT_EXCEEDED',
      new RegExp(`^Key '${unit}{40}…' at properties\\.desired\\.o is ${overBytes} bytes, more than 1024$`),
    );
  });
});

describe('checkSection: values', () => {
  it('strings: 4096 bytes pass, 4097 fail', () => {
    expect(() => checkSection('desired', { s: 'x'.repeat(4096) })).not.toThrow();
    expectRefused(
      () => checkSection('desired', { s: 'x'.repeat(4097) }),
      'TWIN_LIMIT_EXCEEDED',
      'String at properties.desired.s is 4097 bytes, more than 4096',
    );
  });

  it('strings are measured in UTF-8 bytes', () => {
    expect(() => checkSection('desired', { s: 'é'.repeat(2048) })).not.toThrow();
    expectRefused(
      () => checkSection('desired', { a: [{ s: 'é'.repeat(2049) }] }),
      'TWIN_LIMIT_EXCEEDED',
      'String at properties.desired.a[0].s is 4098 bytes, more than 4096',
    );
  });

  it.each([MAX_TWIN_INTEGER, MIN_TWIN_INTEGER, 0, -1, 0.5, -1e-300, 1.5e-10, 1e15 + 0.5])(
    'accepts the number %d',
    (n) => {
      expect(() => checkSection('reported', { n })).not.toThrow();
    },
  );

  it.each([
    [
      MAX_TWIN_INTEGER + 1,
      'Integer 4503599627370496 at properties.reported.n is outside [-4503599627370496, 4503599627370495]',
    ],
    [
      MIN_TWIN_INTEGER - 1,
      'Integer -4503599627370497 at properties.reported.n is outside [-4503599627370496, 4503599627370495]',
    ],
    [
      1e20,
      'Integer 100000000000000000000 at properties.reported.n is outside [-4503599627370496, 4503599627370495]',
    ],
  ])('refuses the integer %d', (n, message) => {
    expectRefused(() => checkSection('reported', { n }), 'TWIN_LIMIT_EXCEEDED', message);
  });

  it('checks integers inside arrays too', () => {
    expectRefused(
      () => checkSection('tags', { a: [1, 2 ** 53] }),
      'TWIN_LIMIT_EXCEEDED',
      /^Integer .* at tags\.a\[1\] /,
    );
  });

  it('refuses a null member (twins store none) but keeps nulls in arrays', () => {
    expectRefused(
      () => checkSection('tags', { a: { b: null } }),
      'INVALID_ARGUMENT',
      'Null value at tags.a.b (twins store no nulls)',
    );
    expect(() => checkSection('tags', { a: [null] })).not.toThrow();
  });

  it.each([
    [Number.NaN, 'Number at tags.v is not finite'],
    [new Date(0), 'Value at tags.v is not JSON (non-plain object)'],
    [() => 1, 'Value at tags.v is not JSON (function)'],
  ])('refuses a value JSON cannot carry (%s)', (v, message) => {
    expectRefused(() => checkSection('tags', { v }), 'INVALID_ARGUMENT', message);
  });
});

describe('checkSection: depth', () => {
  it("accepts the docs' example tags.one.two…ten.property", () => {
    const names = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    let tree: Obj = { property: 'value' };
    for (const name of [...names].reverse()) tree = { [name]: tree };
    expect(() => checkSection('tags', tree)).not.toThrow();
  });

  it('accepts 10 object levels and refuses an 11th', () => {
    expect(() => checkSection('desired', nest(10))).not.toThrow();
    expectRefused(
      () => checkSection('desired', nest(11)),
      'TWIN_LIMIT_EXCEEDED',
      'Object at properties.desired.k1.k2.k3.k4.k5.k6.k7.k8.k9.k10.k11 is nested deeper than 10 levels',
    );
  });

  it('refuses an empty object at level 11 too', () => {
    expectRefused(
      () => checkSection('tags', nest(10, { property: {} })),
      'TWIN_LIMIT_EXCEEDED',
      /nested deeper/,
    );
  });

  it.each<[string, Obj, boolean]>([
    ['an array of scalars at level 10', nest(9, { arr: [1, 2] }), true],
    ['an array at level 11', nest(10, { arr: [1] }), false],
    ['an array in an array at level 11', nest(9, { arr: [[1]] }), false],
    ['an object in an array at level 11', nest(9, { arr: [{ x: 1 }] }), false],
    ['an object in an array at level 10', nest(8, { arr: [{ x: 1 }] }), true],
  ])('arrays count as a level: %s', (_name, tree, ok) => {
    if (ok) expect(() => checkSection('reported', tree)).not.toThrow();
    else
      expectRefused(
        () => checkSection('reported', tree),
        'TWIN_LIMIT_EXCEEDED',
        /is nested deeper than 10 levels$/,
      );
  });

  it('names the array path in the message', () => {
    expect(errorOf(() => checkSection('tags', nest(9, { arr: [[1]] }))).message).toBe(
      'Array at tags.k1.k2.k3.k4.k5.k6.k7.k8.k9.arr[0] is nested deeper than 10 levels',
    );
  });
});

describe('validatePatchShape', () => {
  it.each([
    [null, 'null'],
    [[], 'array'],
    [5, 'number'],
    ['x', 'string'],
    [undefined, 'undefined'],
    [new Map(), 'non-plain object'],
  ])('refuses %o', (patch, kind) => {
    expectRefused(
      () => validatePatchShape(patch),
      'INVALID_ARGUMENT',
      `patch must be a JSON object, got ${kind}`,
    );
  });

  it('names the section root it was given', () => {
    expectRefused(
      () => validatePatchShape(null, 'tags'),
      'INVALID_ARGUMENT',
      'tags must be a JSON object, got null',
    );
  });

  it('returns the patch, nulls (deletes) included', () => {
    const patch = { a: null, b: { c: null, d: [1, null] } };
    expect(validatePatchShape(patch)).toBe(patch);
  });

  it('refuses values JSON cannot carry, with their path', () => {
    expectRefused(
      () => validatePatchShape({ a: [1, Number.POSITIVE_INFINITY] }, 'properties.desired'),
      'INVALID_ARGUMENT',
      'Number at properties.desired.a[1] is not finite',
    );
  });

  it('bounds nesting: a whole-twin patch with 10 levels under desired passes, one more fails', () => {
    expect(MAX_TWIN_PATCH_DEPTH).toBe(12);
    expect(() => validatePatchShape({ properties: { desired: nest(10) } })).not.toThrow();
    expectRefused(
      () => validatePatchShape({ properties: { desired: nest(11) } }),
      'TWIN_LIMIT_EXCEEDED',
      /^Patch at patch\.properties\.desired\.k1\..*\.k11 is nested deeper than 12 levels$/,
    );
  });

  it('stops at the bound on very deep input', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expectRefused(
      () => validatePatchShape({ a: deep }),
      'TWIN_LIMIT_EXCEEDED',
      /nested deeper than 12 levels/,
    );
  });
});
