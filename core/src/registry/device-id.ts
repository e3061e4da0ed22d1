/**
 * Device and module id rules (service-api.md §3.1, device-protocol.md pitfall 14). IoT Hub allows
 * ASCII letters and digits plus `- : . + % _ # * ? ! ( ) , = @ ; $ '`. Outpost refuses the subset
 * `+ # % = ?` (and `/ &`, which IoT Hub refuses anyway): ids go unescaped into MQTT topics, the
 * client id and the username, where `/ + #` are topic syntax and `? & = %` break the property bag.
 * `;` is refused too [LOCAL]: device connection strings split on it, so such a device could never
 * be given one.
 */
import { HubError } from '../errors';

/** Longest id, in characters. */
export const MAX_DEVICE_ID_LENGTH = 128;

/** Punctuation allowed in ids: IoT Hub's set minus what Outpost refuses for MQTT. */
export const DEVICE_ID_PUNCTUATION = "-:._*!(),@$'";

/** Characters IoT Hub allows but Outpost refuses, plus `/ &`, with the reason in messages. */
const MQTT_UNSAFE = '/+#?&%=;';

/** Returns `id` when it is a valid device id; throws INVALID_DEVICE_ID naming the broken rule. */
export function validateDeviceId(id: unknown): string {
  return validateId('Device id', id);
}

/** Returns `id` when it is a valid module id (the device id rules); throws INVALID_DEVICE_ID. */
export function validateModuleId(id: unknown): string {
  return validateId('Module id', id);
}

function validateId(what: string, id: unknown): string {
  if (typeof id !== 'string') {
    const kind = id === null ? 'null' : Array.isArray(id) ? 'array' : typeof id;
    throw invalid(`${what} must be a string, got ${kind}`);
  }
  if (id.length === 0) throw invalid(`${what} must not be empty`);
  // Length first, so that a huge input is refused before it is scanned.
  if (id.length > MAX_DEVICE_ID_LENGTH) {
    throw invalid(`${what} is ${id.length} characters long, more than ${MAX_DEVICE_ID_LENGTH}`);
  }
  let index = 0;
  for (const ch of id) {
    const problem = characterProblem(ch);
    if (problem) throw invalid(`${what} contains ${problem.found} at index ${index}${problem.why}`);
    index += ch.length;
  }
  // `encodeURIComponent` leaves dots alone, and URL parsers collapse `.` and `..` path segments,
  // so `/devices/..` would never reach the device. [LOCAL]
  if (id === '.' || id === '..') throw invalid(`${what} must not be '.' or '..' (URL paths collapse them)`);
  return id;
}

function characterProblem(ch: string): { found: string; why: string } | undefined {
  if (/^[A-Za-z0-9]$/.test(ch) || DEVICE_ID_PUNCTUATION.includes(ch)) return undefined;
  const code = ch.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return { found: `control character ${hex}`, why: '' };
  if (/^\s$/u.test(ch)) return { found: `whitespace ${hex}`, why: '' };
  if (MQTT_UNSAFE.includes(ch)) {
    // A `;` is named, not echoed: error messages travel in `ErrorCode:X;text`, split on `;`.
    return {
      found: ch === ';' ? 'U+003B (semicolon)' : `'${ch}'`,
      why: ', which Outpost refuses because ids go unescaped into MQTT topics and connection strings',
    };
  }
  // A lone surrogate is shown by its code only: echoed raw it would not survive UTF-8 encoding.
  const isSurrogate = code >= 0xd800 && code <= 0xdfff;
  return {
    found: isSurrogate ? `lone surrogate ${hex}` : `'${ch}' (${hex})`,
    why: ', which is not an ASCII letter, digit or allowed punctuation',
  };
}

function invalid(message: string): HubError {
  return new HubError('INVALID_DEVICE_ID', message);
}
