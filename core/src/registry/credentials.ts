/**
 * Device credentials: SAS keys, X.509 thumbprints, and the `authentication` object of an
 * identity (its type lives in contracts/device) as Outpost stores and returns it
 * (service-api.md §2.1, §3.1).
 */
import { randomBytes } from 'node:crypto';
import type { Authentication } from '../contracts/device';
import { HubError } from '../errors';

/** How a device proves who it is. */
export type AuthenticationType = Authentication['type'];

/** Every authentication type, spelled as on the wire. */
export const AUTHENTICATION_TYPES: readonly AuthenticationType[] = [
  'sas',
  'selfSigned',
  'certificateAuthority',
  'none',
];

/** Shortest SAS key once decoded, in bytes (IoT Hub's rule). */
export const MIN_SYMMETRIC_KEY_BYTES = 16;
/** Longest SAS key once decoded, in bytes (IoT Hub's rule). */
export const MAX_SYMMETRIC_KEY_BYTES = 64;
/** Size of a generated SAS key: 256 bits, as Azure makes them (RFC 2104 asks at least the hash length). */
export const GENERATED_KEY_BYTES = 32;

// Strict padded base64: no whitespace, no URL-safe alphabet, no missing padding.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Colons and spaces (openssl and Windows print thumbprints so) and U+200E, the invisible mark
// Windows' certificate dialog puts in front of a copied thumbprint.
const THUMBPRINT_SEPARATORS = /[:\s\u200e]/g;
const HEX_THUMBPRINT = /^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/;

/** A new random SAS key: 32 random bytes, base64. */
export function generateSymmetricKey(): string {
  return randomBytes(GENERATED_KEY_BYTES).toString('base64');
}

/** Returns `key` unchanged when it is base64 decoding to 16..64 bytes; throws INVALID_ARGUMENT. */
export function validateSymmetricKey(key: unknown, field = 'symmetricKey'): string {
  if (typeof key !== 'string') throw invalid(`${field} must be a string, got ${typeName(key)}`);
  if (!BASE64.test(key)) throw invalid(`${field} is not valid base64`);
  const bytes = Buffer.from(key, 'base64').length;
  if (bytes < MIN_SYMMETRIC_KEY_BYTES || bytes > MAX_SYMMETRIC_KEY_BYTES) {
    throw invalid(
      `${field} decodes to ${bytes} bytes, expected ${MIN_SYMMETRIC_KEY_BYTES} to ${MAX_SYMMETRIC_KEY_BYTES}`,
    );
  }
  return key;
}

/**
 * Returns the thumbprint normalised: colons, whitespace and U+200E removed, hex upper-cased
 * (as .NET prints thumbprints), so that stored and presented thumbprints compare with `===`.
 * It must then be 40 (SHA-1) or 64 (SHA-256) hex digits; otherwise throws INVALID_ARGUMENT.
 */
export function validateThumbprint(thumbprint: unknown, field = 'thumbprint'): string {
  if (typeof thumbprint !== 'string') {
    throw invalid(`${field} must be a string, got ${typeName(thumbprint)}`);
  }
  const hex = thumbprint.replace(THUMBPRINT_SEPARATORS, '');
  if (!HEX_THUMBPRINT.test(hex)) {
    throw invalid(`${field} must be 40 (SHA-1) or 64 (SHA-256) hex digits, got ${hex.length} characters`);
  }
  return hex.toUpperCase();
}

/**
 * The full `authentication` object for a create or update. A missing type is `selfSigned` when a
 * thumbprint is present, else `sas` (as the SDK decides). `sas` generates each key that is
 * missing, empty or null, except on an update (`existing` given) where both keys arrive empty
 * and the stored identity is `sas`: then the stored keys are kept, because the SDK's `update()`
 * resends empty keys and must not rotate them [LOCAL]. `selfSigned` needs a primary thumbprint.
 * Members a type does not use come back null. Throws INVALID_ARGUMENT naming the field.
 */
export function normalizeAuthentication(input: unknown, existing?: Authentication): Authentication {
  // Absent authentication: the SDK would have sent sas with empty keys, so treat it the same.
  const auth = input === undefined || input === null ? {} : input;
  if (!isPlainObject(auth)) throw invalid(`authentication must be a JSON object, got ${typeName(auth)}`);
  const keys = readPair(auth.symmetricKey, 'authentication.symmetricKey', 'primaryKey', 'secondaryKey');
  const thumbs = readPair(
    auth.x509Thumbprint,
    'authentication.x509Thumbprint',
    'primaryThumbprint',
    'secondaryThumbprint',
  );
  const type = readType(auth.type, thumbs.primary !== null || thumbs.secondary !== null);
  switch (type) {
    case 'sas':
      return withType('sas', sasKeys(keys, existing), { primaryThumbprint: null, secondaryThumbprint: null });
    case 'selfSigned': {
      if (thumbs.primary === null) {
        throw invalid(
          'authentication.x509Thumbprint.primaryThumbprint is required for selfSigned authentication',
        );
      }
      return withType('selfSigned', null, {
        primaryThumbprint: validateThumbprint(
          thumbs.primary,
          'authentication.x509Thumbprint.primaryThumbprint',
        ),
        secondaryThumbprint:
          thumbs.secondary === null
            ? null
            : validateThumbprint(thumbs.secondary, 'authentication.x509Thumbprint.secondaryThumbprint'),
      });
    }
    default:
      return withType(type, null, { primaryThumbprint: null, secondaryThumbprint: null });
  }
}

function sasKeys(keys: Pair, existing: Authentication | undefined): Authentication['symmetricKey'] {
  const stored = existing?.type === 'sas' ? existing.symmetricKey : undefined;
  if (keys.primary === null && keys.secondary === null && stored?.primaryKey && stored.secondaryKey) {
    return { primaryKey: stored.primaryKey, secondaryKey: stored.secondaryKey };
  }
  return {
    primaryKey:
      keys.primary === null
        ? generateSymmetricKey()
        : validateSymmetricKey(keys.primary, 'authentication.symmetricKey.primaryKey'),
    secondaryKey:
      keys.secondary === null
        ? generateSymmetricKey()
        : validateSymmetricKey(keys.secondary, 'authentication.symmetricKey.secondaryKey'),
  };
}

function withType(
  type: AuthenticationType,
  keys: Authentication['symmetricKey'] | null,
  thumbs: Authentication['x509Thumbprint'],
): Authentication {
  return {
    type,
    symmetricKey: keys ?? { primaryKey: null, secondaryKey: null },
    x509Thumbprint: thumbs,
  };
}

/** Reads `type`; matched case-insensitively (as .NET enum parsing does) and returned canonical. */
function readType(raw: unknown, hasThumbprint: boolean): AuthenticationType {
  if (raw === undefined || raw === null || raw === '') return hasThumbprint ? 'selfSigned' : 'sas';
  const found =
    typeof raw === 'string'
      ? AUTHENTICATION_TYPES.find((t) => t.toLowerCase() === raw.toLowerCase())
      : undefined;
  if (!found) throw invalid(`authentication.type must be one of ${AUTHENTICATION_TYPES.join(', ')}`);
  return found;
}

interface Pair {
  primary: string | null;
  secondary: string | null;
}

/** Reads a `{primaryX, secondaryX}` member; absent, null and empty values all become null. */
function readPair(raw: unknown, field: string, primaryName: string, secondaryName: string): Pair {
  if (raw === undefined || raw === null) return { primary: null, secondary: null };
  if (!isPlainObject(raw)) throw invalid(`${field} must be a JSON object, got ${typeName(raw)}`);
  return {
    primary: readOptionalString(raw[primaryName], `${field}.${primaryName}`),
    secondary: readOptionalString(raw[secondaryName], `${field}.${secondaryName}`),
  };
}

function readOptionalString(raw: unknown, field: string): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') throw invalid(`${field} must be a string, got ${typeName(raw)}`);
  return raw;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function invalid(message: string): HubError {
  return new HubError('INVALID_ARGUMENT', message);
}
