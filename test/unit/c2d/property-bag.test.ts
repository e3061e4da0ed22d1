import { describe, expect, it } from 'vitest';
import { encodePropertyBag as encodeC2dPropertyBag } from '../../../core/src/contracts/topics';

/** How the SDK reads the bag (device-protocol.md §2.3): split on `&`, then on `=`, decode both halves. */
function sdkParse(bag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of bag.split('&')) {
    const [key, value] = pair.split('=');
    out[decodeURIComponent(key!)] = String(value === undefined ? undefined : decodeURIComponent(value));
  }
  return out;
}

describe('encodeC2dPropertyBag', () => {
  it('percent-encodes system keys as IoT Hub does', () => {
    expect(encodeC2dPropertyBag({ '$.mid': 'c2d-1', '$.ct': 'application/json', color: 'blue' })).toBe(
      '%24.mid=c2d-1&%24.ct=application%2Fjson&color=blue',
    );
  });

  it('encodes every character that would move a segment, split a pair or act as a wildcard', () => {
    const bag = encodeC2dPropertyBag({ 'a/b=c&d': 'x/y=z&w+#?% ', 'with space': 'é☃' });
    expect(bag).not.toMatch(/[/+# ?]/);
    expect(bag.split('&')).toHaveLength(2);
    expect(bag.split('&').every((pair) => pair.split('=').length === 2)).toBe(true);
    expect(sdkParse(bag)).toEqual({ 'a/b=c&d': 'x/y=z&w+#?% ', 'with space': 'é☃' });
  });

  it('always writes key=value, also for empty values', () => {
    expect(encodeC2dPropertyBag({ empty: '' })).toBe('empty=');
    expect(sdkParse(encodeC2dPropertyBag({ empty: '' }))).toEqual({ empty: '' });
  });

  it('is empty for no properties and keeps the given order', () => {
    expect(encodeC2dPropertyBag({})).toBe('');
    expect(encodeC2dPropertyBag({ b: '1', a: '2' })).toBe('b=1&a=2');
  });

  it('never throws on lone surrogates', () => {
    expect(encodeC2dPropertyBag({ k: 'a\uD800b' })).toBe('k=a%EF%BF%BDb');
  });
});
