import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../core/src/errors';
import { decodeEtag, encodeEtag, etagMatches, parseIfMatch } from '../../../core/src/twins/etag';

describe('encodeEtag / decodeEtag', () => {
  it.each([
    [0, 'AAAAAAAAAAA='],
    [1, 'AAAAAAAAAAE='],
    [7, 'AAAAAAAAAAc='],
    [256, 'AAAAAAAAAQA='],
    [2 ** 32, 'AAAAAQAAAAA='],
    [Number.MAX_SAFE_INTEGER, 'AB////////8='],
  ])('%d ⇄ %s', (counter, etag) => {
    expect(encodeEtag(counter)).toBe(etag);
    expect(decodeEtag(etag)).toBe(counter);
  });

  it('round-trips a range of counters', () => {
    for (const n of [2, 3, 99, 1000, 65535, 123456789, 2 ** 40 + 3])
      expect(decodeEtag(encodeEtag(n))).toBe(n);
  });

  it('gives distinct etags to neighbouring counters', () => {
    expect(encodeEtag(41)).not.toBe(encodeEtag(42));
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('refuses the counter %d', (n) => {
    let caught: unknown;
    try {
      encodeEtag(n);
    } catch (err) {
      caught = err;
    }
    expect(isHubError(caught, 'INVALID_ARGUMENT')).toBe(true);
  });

  it.each(['', 'MTI3ODQ1NjM0', 'AAAAAAAAAAd=', 'AAAAAAAAAA==', '*', '//////////8='])(
    'decodes %j as no counter of ours',
    (etag) => {
      expect(decodeEtag(etag)).toBeUndefined();
    },
  );
});

describe('parseIfMatch', () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    ['*', '*'],
    ['"*"', '*'],
    [' "*" ', '*'],
    ['"AAAAAAAAAAc="', 'AAAAAAAAAAc='],
    ['W/"AAAAAAAAAAc="', 'AAAAAAAAAAc='],
    ['AAAAAAAAAAc=', 'AAAAAAAAAAc='],
    ['W/AAAAAAAAAAc=', 'AAAAAAAAAAc='],
    ['""', ''],
    ['"', '"'],
  ])('%j → %j', (header, expected) => {
    expect(parseIfMatch(header)).toBe(expected);
  });
});

describe('etagMatches', () => {
  const current = encodeEtag(7);

  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['*', true],
    [current, true],
    [encodeEtag(6), false],
    ['', false],
    [`"${current}"`, false],
  ])('If-Match %j against the current etag → %s', (ifMatch, expected) => {
    expect(etagMatches(ifMatch, current)).toBe(expected);
  });

  it.each([
    ['"AAAAAAAAAAc="', true],
    ['W/"AAAAAAAAAAc="', true],
    ['"*"', true],
    ['"AAAAAAAAAAg="', false],
    ['"a", "AAAAAAAAAAc="', false],
  ])('header %j, once parsed, matches → %s', (header, expected) => {
    expect(etagMatches(parseIfMatch(header), current)).toBe(expected);
  });
});
