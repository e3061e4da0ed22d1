/**
 * Twin limits (service-api.md §3.3, device-protocol.md §4), checked on the *merged* section so
 * that a patch is refused as a whole when its result would break one. Shared by the HTTP PATCH
 * path and the MQTT reported-properties path.
 */
import { HubError } from '../errors';
import { isPlainObject, type JsonObject, type PlainObject } from './json-merge';

/** The three twin sections that hold properties. */
export type TwinSection = 'tags' | 'desired' | 'reported';

/** Longest key, in UTF-8 bytes (1 KB). */
export const MAX_TWIN_KEY_BYTES = 1024;
/** Longest string value, in UTF-8 bytes (4 KB). */
export const MAX_TWIN_STRING_BYTES = 4096;
/** Smallest integer a twin holds: −2^52, so that every stored integer is exact in a double. */
export const MIN_TWIN_INTEGER = -4503599627370496;
/** Largest integer a twin holds: 2^52 − 1. */
export const MAX_TWIN_INTEGER = 4503599627370495;
/**
 * Most container levels below a section root. `tags.one.two…ten.property` is valid: the object
 * at `ten` is level 10 and `property` is a leaf in it. An array counts as a level like an object,
 * so that no nesting (`[[[…]]]`) is unbounded and recursion over a twin stays shallow.
 */
export const MAX_TWIN_DEPTH = 10;
/**
 * Deepest nesting validatePatchShape lets through: a whole-twin patch puts `properties.desired`
 * two levels above the section root. Deeper patches could only produce a refused section.
 */
export const MAX_TWIN_PATCH_DEPTH = MAX_TWIN_DEPTH + 2;
/** Largest section size in bytes (counted as sectionSize does): tags 8 KB, desired and reported 32 KB. */
export const MAX_TWIN_SECTION_BYTES: Readonly<Record<TwinSection, number>> = {
  tags: 8192,
  desired: 32768,
  reported: 32768,
};
/** Size a number adds to a section, whatever its value. */
export const TWIN_NUMBER_BYTES = 8;
/** Size a boolean adds to a section. */
export const TWIN_BOOLEAN_BYTES = 4;
/** Size a null array element adds ([LOCAL]: IoT Hub stores no nulls, so it gives no figure). */
export const TWIN_NULL_BYTES = 4;

/** A key, or an array index. */
type PathSegment = string | number;

const SECTION_PATHS: Readonly<Record<TwinSection, string>> = {
  tags: 'tags',
  desired: 'properties.desired',
  reported: 'properties.reported',
};
const SECTION_NAMES: Readonly<Record<TwinSection, string>> = {
  tags: 'tags',
  desired: 'desired properties',
  reported: 'reported properties',
};

/** The section's path in the service-side twin document (`tags`, `properties.desired`, …). */
export function sectionPath(section: TwinSection): string {
  return SECTION_PATHS[section];
}

/**
 * Enforces every twin rule on a whole section (without `$version` / `$metadata`): key
 * characters and length, string length, integer range, depth and total size. Throws
 * TWIN_LIMIT_EXCEEDED naming the rule and the path, or INVALID_ARGUMENT for a value JSON
 * cannot carry or a null member (twins store no nulls).
 */
export function checkSection(section: TwinSection, tree: PlainObject): void {
  const size = checkObject(tree, [sectionPath(section)], 0);
  const limit = MAX_TWIN_SECTION_BYTES[section];
  if (size > limit) {
    throw new HubError(
      'TWIN_LIMIT_EXCEEDED',
      `Twin ${SECTION_NAMES[section]} exceed ${limit} bytes (${size})`,
      {
        section,
        size,
        limit,
      },
    );
  }
}

/**
 * A section's size by the IoT Hub rule: keys and strings as UTF-8 bytes without control
 * characters, numbers 8, booleans 4, objects and arrays the sum of their contents.
 */
export function sectionSize(tree: PlainObject): number {
  let size = 0;
  for (const [key, value] of Object.entries(tree)) {
    if (value !== undefined) size += countedBytes(key) + valueSize(value);
  }
  return size;
}

/**
 * Checks that `patch` is a JSON object (not null, an array or a scalar) built only of JSON
 * values and nested at most MAX_TWIN_PATCH_DEPTH levels, and returns it typed. `where` names it in
 * messages: pass `tags` or `properties.desired` for a section, so that `{"tags": null}` is
 * refused as `tags must be a JSON object, got null`.
 */
export function validatePatchShape(patch: unknown, where = 'patch'): JsonObject {
  if (!isPlainObject(patch)) {
    throw new HubError('INVALID_ARGUMENT', `${where} must be a JSON object, got ${describeType(patch)}`);
  }
  checkShape(patch, [where], 0);
  // checkShape has just proved every member to be JSON.
  return patch as JsonObject;
}

function checkObject(obj: PlainObject, path: PathSegment[], depth: number): number {
  let size = 0;
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    checkKey(key, path);
    const at = [...path, key];
    if (value === null) {
      throw new HubError('INVALID_ARGUMENT', `Null value at ${formatPath(at)} (twins store no nulls)`);
    }
    size += countedBytes(key) + checkValue(value, at, depth);
  }
  return size;
}

/** Checks one value whose parent container is at `depth`; returns its size. */
function checkValue(value: unknown, path: PathSegment[], depth: number): number {
  if (typeof value === 'string') {
    const bytes = utf8Bytes(value, false);
    if (bytes > MAX_TWIN_STRING_BYTES) {
      throw limit(`String at ${formatPath(path)} is ${bytes} bytes, more than ${MAX_TWIN_STRING_BYTES}`);
    }
    return countedBytes(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new HubError('INVALID_ARGUMENT', `Number at ${formatPath(path)} is not finite`);
    }
    // JSON.parse erases the difference between 1e20 and 100000000000000000000, so any integral
    // value is held to the integer range.
    if (Number.isInteger(value) && (value < MIN_TWIN_INTEGER || value > MAX_TWIN_INTEGER)) {
      throw limit(
        `Integer ${value} at ${formatPath(path)} is outside [${MIN_TWIN_INTEGER}, ${MAX_TWIN_INTEGER}]`,
      );
    }
    return TWIN_NUMBER_BYTES;
  }
  if (typeof value === 'boolean') return TWIN_BOOLEAN_BYTES;
  if (value === null) return TWIN_NULL_BYTES;
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `Value at ${formatPath(path)} is not JSON (${describeType(value)})`,
    );
  }
  if (depth + 1 > MAX_TWIN_DEPTH) {
    throw limit(
      `${isArray ? 'Array' : 'Object'} at ${formatPath(path)} is nested deeper than ${MAX_TWIN_DEPTH} levels`,
    );
  }
  if (Array.isArray(value)) {
    let size = 0;
    value.forEach((item: unknown, index) => {
      size += checkValue(item, [...path, index], depth + 1);
    });
    return size;
  }
  return isPlainObject(value) ? checkObject(value, path, depth + 1) : 0;
}

function checkKey(key: string, path: PathSegment[]): void {
  const where = formatPath(path);
  if (key === '') throw limit(`Empty key at ${where}`);
  for (const ch of key) {
    const code = ch.codePointAt(0) ?? 0;
    let problem: string | undefined;
    if (isControl(code)) problem = `control character ${codePoint(code)}`;
    else if (ch === '.' || ch === '$') problem = `'${ch}'`;
    else if (ch === ' ') problem = 'a space';
    if (problem) throw limit(`Key ${quoteKey(key)} at ${where} contains ${problem}`);
  }
  const bytes = utf8Bytes(key, false);
  if (bytes > MAX_TWIN_KEY_BYTES) {
    throw limit(`Key ${quoteKey(key)} at ${where} is ${bytes} bytes, more than ${MAX_TWIN_KEY_BYTES}`);
  }
}

function checkShape(value: unknown, path: PathSegment[], depth: number): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    throw new HubError('INVALID_ARGUMENT', `Number at ${formatPath(path)} is not finite`);
  }
  if (!Array.isArray(value) && !isPlainObject(value)) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `Value at ${formatPath(path)} is not JSON (${describeType(value)})`,
    );
  }
  if (depth > MAX_TWIN_PATCH_DEPTH) {
    throw limit(`Patch at ${formatPath(path)} is nested deeper than ${MAX_TWIN_PATCH_DEPTH} levels`);
  }
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      checkShape(item, [...path, index], depth + 1);
    });
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (child !== undefined) checkShape(child, [...path, key], depth + 1);
  }
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return countedBytes(value);
  if (typeof value === 'number') return TWIN_NUMBER_BYTES;
  if (typeof value === 'boolean') return TWIN_BOOLEAN_BYTES;
  if (value === null) return TWIN_NULL_BYTES;
  if (Array.isArray(value)) return value.reduce((sum: number, item: unknown) => sum + valueSize(item), 0);
  return isPlainObject(value) ? sectionSize(value) : 0;
}

/** UTF-8 bytes without control characters: the IoT Hub size rule for keys and strings. */
function countedBytes(text: string): number {
  return utf8Bytes(text, true);
}

function utf8Bytes(text: string, skipControl: boolean): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (skipControl && isControl(code)) continue;
    // A lone surrogate counts 3, as it does once encoded (as U+FFFD).
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Unicode Cc: C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F). */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

function limit(message: string): HubError {
  return new HubError('TWIN_LIMIT_EXCEEDED', message);
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'non-plain object';
  return typeof value;
}

/**
 * Keys and paths are echoed in messages, which reach the IoT Hub error wire: that format splits
 * on `;`, and control characters (or lone surrogates, which UTF-8 cannot carry) would garble logs,
 * so they are escaped as `\uXXXX` and long keys are cut short.
 */
function safeText(text: string, max: number): string {
  const chars = [...text];
  const cut = chars.length > max ? [...chars.slice(0, max), '…'] : chars;
  return cut
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      const mustEscape = ch === ';' || isControl(code) || (code >= 0xd800 && code <= 0xdfff);
      return mustEscape ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
    })
    .join('');
}

function quoteKey(key: string): string {
  return `'${safeText(key, 40)}'`;
}

function formatPath(path: PathSegment[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const text = safeText(segment, 40);
      return index === 0 ? text : `.${text}`;
    })
    .join('');
}
