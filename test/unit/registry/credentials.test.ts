import { describe, expect, it } from 'vitest';
import type { Authentication } from '../../../core/src/contracts/device';
import { HubError } from '../../../core/src/errors';
import {
  generateSymmetricKey,
  normalizeAuthentication,
  validateSymmetricKey,
  validateThumbprint,
} from '../../../core/src/registry/credentials';

function errorOf(fn: () => unknown): HubError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HubError) {
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).not.toContain(';');
      return err;
    }
    throw err;
  }
  throw new Error('expected a HubError, nothing was thrown');
}

const keyOf = (bytes: number, fill = 1) => Buffer.alloc(bytes, fill).toString('base64');
const SHA1 = 'ab'.repeat(20);
const SHA256 = 'CD'.repeat(32);
const NO_KEYS = { primaryKey: null, secondaryKey: null };
const NO_THUMBS = { primaryThumbprint: null, secondaryThumbprint: null };

describe('generateSymmetricKey', () => {
  it('makes 32 random bytes, base64, that pass validation', () => {
    const key = generateSymmetricKey();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(validateSymmetricKey(key)).toBe(key);
  });

  it('makes a different key every time', () => {
    expect(new Set(Array.from({ length: 50 }, generateSymmetricKey)).size).toBe(50);
  });
});

describe('validateSymmetricKey', () => {
  it.each([16, 17, 32, 63, 64])('accepts a key of %d bytes', (bytes) => {
    const key = keyOf(bytes);
    expect(validateSymmetricKey(key)).toBe(key);
  });

  it.each([
    [15, 'symmetricKey decodes to 15 bytes, expected 16 to 64'],
    [65, 'symmetricKey decodes to 65 bytes, expected 16 to 64'],
    [0, 'symmetricKey decodes to 0 bytes, expected 16 to 64'],
  ])('refuses a key of %d bytes', (bytes, message) => {
    expect(errorOf(() => validateSymmetricKey(keyOf(bytes))).message).toBe(message);
  });

  it.each([
    'not base64!',
    `${keyOf(32).slice(0, -1)}`,
    `${keyOf(32)} `,
    ` ${keyOf(32)}`,
    keyOf(32).replace(/=$/, '').concat('=='),
    Buffer.alloc(32, 0xfb).toString('base64url'),
    'AAAA\nAAAAAAAAAAAAAAAAAAAA',
  ])('refuses %j as bad base64', (key) => {
    expect(errorOf(() => validateSymmetricKey(key, 'authentication.symmetricKey.primaryKey')).message).toBe(
      'authentication.symmetricKey.primaryKey is not valid base64',
    );
  });

  it('refuses a non-string', () => {
    expect(errorOf(() => validateSymmetricKey(42)).message).toBe('symmetricKey must be a string, got number');
  });
});

describe('validateThumbprint', () => {
  it.each([
    [SHA1, SHA1.toUpperCase()],
    [SHA256, SHA256],
    ['AB:'.repeat(19) + 'AB', 'AB'.repeat(20)],
    ['ab '.repeat(20).trim(), 'AB'.repeat(20)],
    [`\u200e${SHA1}`, SHA1.toUpperCase()],
  ])('normalises %j', (input, expected) => {
    expect(validateThumbprint(input)).toBe(expected);
  });

  it.each([
    ['a'.repeat(39), 39],
    ['a'.repeat(41), 41],
    ['a'.repeat(63), 63],
    ['a'.repeat(65), 65],
    ['g'.repeat(40), 40],
    ['', 0],
  ])('refuses %j', (input, length) => {
    expect(errorOf(() => validateThumbprint(input, 'x509Thumbprint.primaryThumbprint')).message).toBe(
      `x509Thumbprint.primaryThumbprint must be 40 (SHA-1) or 64 (SHA-256) hex digits, got ${length} characters`,
    );
  });

  it('refuses a non-string', () => {
    expect(errorOf(() => validateThumbprint(null)).message).toBe('thumbprint must be a string, got null');
  });
});

describe('normalizeAuthentication: type', () => {
  it.each<[string, unknown, Authentication['type']]>([
    ['absent authentication', undefined, 'sas'],
    ['null authentication', null, 'sas'],
    ['no type, no thumbprint', { symmetricKey: { primaryKey: '', secondaryKey: '' } }, 'sas'],
    ['no type, a primary thumbprint', { x509Thumbprint: { primaryThumbprint: SHA1 } }, 'selfSigned'],
    ['empty type, a thumbprint', { type: '', x509Thumbprint: { primaryThumbprint: SHA1 } }, 'selfSigned'],
    ['certificateAuthority', { type: 'certificateAuthority' }, 'certificateAuthority'],
    ['none', { type: 'none' }, 'none'],
    ['a type in another case', { type: 'SAS' }, 'sas'],
  ])('%s → %s', (_name, input, type) => {
    expect(normalizeAuthentication(input).type).toBe(type);
  });

  it('refuses an unknown type', () => {
    expect(errorOf(() => normalizeAuthentication({ type: 'token' })).message).toBe(
      'authentication.type must be one of sas, selfSigned, certificateAuthority, none',
    );
  });

  it.each([
    ['array', [], 'authentication must be a JSON object, got array'],
    ['string', 'sas', 'authentication must be a JSON object, got string'],
    [
      'bad symmetricKey',
      { symmetricKey: 'k' },
      'authentication.symmetricKey must be a JSON object, got string',
    ],
    [
      'numeric key',
      { symmetricKey: { primaryKey: 1 } },
      'authentication.symmetricKey.primaryKey must be a string, got number',
    ],
    [
      'numeric thumbprint',
      { x509Thumbprint: { secondaryThumbprint: 1 } },
      'authentication.x509Thumbprint.secondaryThumbprint must be a string, got number',
    ],
  ])('refuses a malformed body: %s', (_name, input, message) => {
    expect(errorOf(() => normalizeAuthentication(input)).message).toBe(message);
  });
});

describe('normalizeAuthentication: sas', () => {
  it.each<[string, unknown]>([
    ['absent', undefined],
    ['empty strings', { primaryKey: '', secondaryKey: '' }],
    ['nulls', { primaryKey: null, secondaryKey: null }],
    ['missing members', {}],
    ['a null symmetricKey', null],
  ])('generates both keys when they are %s', (_name, symmetricKey) => {
    const auth = normalizeAuthentication({ type: 'sas', symmetricKey });
    expect(auth.x509Thumbprint).toEqual(NO_THUMBS);
    const { primaryKey, secondaryKey } = auth.symmetricKey;
    expect(Buffer.from(primaryKey!, 'base64')).toHaveLength(32);
    expect(Buffer.from(secondaryKey!, 'base64')).toHaveLength(32);
    expect(primaryKey).not.toBe(secondaryKey);
  });

  it('keeps given keys and generates only the missing one', () => {
    const primaryKey = keyOf(32, 7);
    const auth = normalizeAuthentication({ symmetricKey: { primaryKey, secondaryKey: '' } });
    expect(auth.symmetricKey.primaryKey).toBe(primaryKey);
    expect(auth.symmetricKey.secondaryKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('returns the full object with given keys', () => {
    const primaryKey = keyOf(16, 1);
    const secondaryKey = keyOf(64, 2);
    expect(normalizeAuthentication({ type: 'sas', symmetricKey: { primaryKey, secondaryKey } })).toEqual({
      type: 'sas',
      symmetricKey: { primaryKey, secondaryKey },
      x509Thumbprint: NO_THUMBS,
    });
  });

  it('drops thumbprints sent with an explicit sas type', () => {
    expect(
      normalizeAuthentication({ type: 'sas', x509Thumbprint: { primaryThumbprint: SHA1 } }).x509Thumbprint,
    ).toEqual(NO_THUMBS);
  });

  it.each([
    [
      'primaryKey',
      { primaryKey: 'bad!', secondaryKey: '' },
      'authentication.symmetricKey.primaryKey is not valid base64',
    ],
    [
      'secondaryKey',
      { primaryKey: '', secondaryKey: keyOf(8) },
      'authentication.symmetricKey.secondaryKey decodes to 8 bytes, expected 16 to 64',
    ],
  ])('refuses a bad %s', (_name, symmetricKey, message) => {
    expect(errorOf(() => normalizeAuthentication({ type: 'sas', symmetricKey })).message).toBe(message);
  });
});

describe('normalizeAuthentication: update', () => {
  const stored: Authentication = {
    type: 'sas',
    symmetricKey: { primaryKey: keyOf(32, 1), secondaryKey: keyOf(32, 2) },
    x509Thumbprint: NO_THUMBS,
  };
  const sdkUpdate = { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } };

  it.each<[string, unknown]>([
    ["the SDK's empty keys", sdkUpdate],
    ['null keys', { type: 'sas', symmetricKey: { primaryKey: null, secondaryKey: null } }],
    ['no authentication at all', undefined],
  ])('keeps the stored keys on %s', (_name, input) => {
    expect(normalizeAuthentication(input, stored)).toEqual(stored);
  });

  it('returns a copy, not the stored object', () => {
    const auth = normalizeAuthentication(sdkUpdate, stored);
    expect(auth.symmetricKey).not.toBe(stored.symmetricKey);
  });

  it('replaces keys that are given', () => {
    const primaryKey = keyOf(32, 9);
    const secondaryKey = keyOf(32, 8);
    expect(
      normalizeAuthentication({ symmetricKey: { primaryKey, secondaryKey } }, stored).symmetricKey,
    ).toEqual({
      primaryKey,
      secondaryKey,
    });
  });

  it('generates only the empty key when one key is given', () => {
    const primaryKey = keyOf(32, 9);
    const auth = normalizeAuthentication({ symmetricKey: { primaryKey, secondaryKey: '' } }, stored);
    expect(auth.symmetricKey.primaryKey).toBe(primaryKey);
    expect(auth.symmetricKey.secondaryKey).not.toBe(stored.symmetricKey.secondaryKey);
  });

  it('generates keys when the stored identity is not sas', () => {
    const selfSigned: Authentication = {
      type: 'selfSigned',
      symmetricKey: NO_KEYS,
      x509Thumbprint: { primaryThumbprint: SHA1.toUpperCase(), secondaryThumbprint: null },
    };
    const auth = normalizeAuthentication(sdkUpdate, selfSigned);
    expect(auth.type).toBe('sas');
    expect(auth.symmetricKey.primaryKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(auth.x509Thumbprint).toEqual(NO_THUMBS);
  });

  it('switches a sas device to selfSigned, dropping its keys', () => {
    expect(normalizeAuthentication({ x509Thumbprint: { primaryThumbprint: SHA256 } }, stored)).toEqual({
      type: 'selfSigned',
      symmetricKey: NO_KEYS,
      x509Thumbprint: { primaryThumbprint: SHA256, secondaryThumbprint: null },
    });
  });
});

describe('normalizeAuthentication: selfSigned and the rest', () => {
  it('normalises both thumbprints and nulls the keys', () => {
    expect(
      normalizeAuthentication({
        type: 'selfSigned',
        symmetricKey: { primaryKey: keyOf(32), secondaryKey: keyOf(32) },
        x509Thumbprint: { primaryThumbprint: SHA1, secondaryThumbprint: SHA256.toLowerCase() },
      }),
    ).toEqual({
      type: 'selfSigned',
      symmetricKey: NO_KEYS,
      x509Thumbprint: { primaryThumbprint: SHA1.toUpperCase(), secondaryThumbprint: SHA256 },
    });
  });

  it.each<[string, unknown]>([
    ['absent', undefined],
    ['empty', { primaryThumbprint: '', secondaryThumbprint: SHA1 }],
    ['null', { primaryThumbprint: null }],
  ])('requires a primary thumbprint (%s)', (_name, x509Thumbprint) => {
    expect(errorOf(() => normalizeAuthentication({ type: 'selfSigned', x509Thumbprint })).message).toBe(
      'authentication.x509Thumbprint.primaryThumbprint is required for selfSigned authentication',
    );
  });

  it('refuses a bad secondary thumbprint', () => {
    expect(
      errorOf(() =>
        normalizeAuthentication({ x509Thumbprint: { primaryThumbprint: SHA1, secondaryThumbprint: 'abc' } }),
      ).message,
    ).toBe(
      'authentication.x509Thumbprint.secondaryThumbprint must be 40 (SHA-1) or 64 (SHA-256) hex digits, got 3 characters',
    );
  });

  it.each(['certificateAuthority', 'none'] as const)('%s carries nothing', (type) => {
    expect(
      normalizeAuthentication({
        type,
        symmetricKey: { primaryKey: keyOf(32), secondaryKey: '' },
        x509Thumbprint: { primaryThumbprint: SHA1 },
      }),
    ).toEqual({ type, symmetricKey: NO_KEYS, x509Thumbprint: NO_THUMBS });
  });
});
