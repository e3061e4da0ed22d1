import { describe, expect, it } from 'vitest';
import { HubError } from '../../../core/src/errors';
import {
  MAX_DEVICE_ID_LENGTH,
  validateDeviceId,
  validateModuleId,
} from '../../../core/src/registry/device-id';

function errorOf(fn: () => unknown): HubError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HubError) {
      expect(err.code).toBe('INVALID_DEVICE_ID');
      expect(err.message).not.toContain(';');
      return err;
    }
    throw err;
  }
  throw new Error('expected a HubError, nothing was thrown');
}

describe('validateDeviceId', () => {
  it.each([
    'therm-01',
    'a',
    'A1',
    "x-:._*!(),@$'",
    'plant:line-3.therm_01',
    '$edgeAgent',
    '...',
    'a'.repeat(MAX_DEVICE_ID_LENGTH),
  ])('accepts %j and returns it', (id) => {
    expect(validateDeviceId(id)).toBe(id);
  });

  it.each(['/', '+', '#', '?', '&', '%', '=', ';'])('refuses %j (MQTT topics)', (ch) => {
    const shown = ch === ';' ? 'U+003B (semicolon)' : `'${ch}'`;
    expect(errorOf(() => validateDeviceId(`dev${ch}1`)).message).toBe(
      `Device id contains ${shown} at index 3, which Outpost refuses because ids go unescaped into MQTT topics and connection strings`,
    );
  });

  it.each([
    [' ', 'whitespace U+0020'],
    ['\u00a0', 'whitespace U+00A0'],
    ['\u2003', 'whitespace U+2003'],
    ['\t', 'control character U+0009'],
    ['\n', 'control character U+000A'],
    ['\u0000', 'control character U+0000'],
    ['\u007f', 'control character U+007F'],
    ['\u0085', 'control character U+0085'],
  ])('refuses %j as %s', (ch, found) => {
    expect(errorOf(() => validateDeviceId(`ab${ch}`)).message).toBe(`Device id contains ${found} at index 2`);
  });

  it.each([
    ['é', "'é' (U+00E9)"],
    ['😀', "'😀' (U+1F600)"],
    ['"', `'"' (U+0022)`],
    ['<', "'<' (U+003C)"],
    ['\\', "'\\' (U+005C)"],
    ['~', "'~' (U+007E)"],
    ['\ud800', 'lone surrogate U+D800'],
  ])('refuses %j: not an allowed character', (ch, found) => {
    expect(errorOf(() => validateDeviceId(`a${ch}b`)).message).toBe(
      `Device id contains ${found} at index 1, which is not an ASCII letter, digit or allowed punctuation`,
    );
  });

  it('reports the UTF-16 index of the first bad character', () => {
    expect(errorOf(() => validateDeviceId('😀x/')).message).toMatch(
      /^Device id contains '😀' \(U\+1F600\) at index 0/,
    );
    expect(errorOf(() => validateDeviceId('é😀/')).message).toMatch(/at index 0/);
    expect(errorOf(() => validateDeviceId('ab/😀')).message).toMatch(/'\/' at index 2/);
  });

  it('accepts 128 characters and refuses 129', () => {
    expect(validateDeviceId('x'.repeat(128))).toHaveLength(128);
    expect(errorOf(() => validateDeviceId('x'.repeat(129))).message).toBe(
      'Device id is 129 characters long, more than 128',
    );
  });

  it.each([
    ['', 'Device id must not be empty'],
    [undefined, 'Device id must be a string, got undefined'],
    [null, 'Device id must be a string, got null'],
    [42, 'Device id must be a string, got number'],
    [['a'], 'Device id must be a string, got array'],
  ])('refuses %j', (id, message) => {
    expect(errorOf(() => validateDeviceId(id)).message).toBe(message);
  });

  it.each(['.', '..'])('refuses %j, which a URL path would collapse', (id) => {
    expect(errorOf(() => validateDeviceId(id)).message).toBe(
      "Device id must not be '.' or '..' (URL paths collapse them)",
    );
  });
});

describe('validateModuleId', () => {
  it('follows the device id rules with its own name in messages', () => {
    expect(validateModuleId('$edgeHub')).toBe('$edgeHub');
    expect(validateModuleId('m'.repeat(128))).toHaveLength(128);
    expect(errorOf(() => validateModuleId('m/1')).message).toMatch(/^Module id contains '\/' at index 1/);
    expect(errorOf(() => validateModuleId('m'.repeat(129))).message).toBe(
      'Module id is 129 characters long, more than 128',
    );
  });
});
