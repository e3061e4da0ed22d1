import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../core/src/errors';
import { MAX_QUERY_LENGTH, parseQuery } from '../../../core/src/query';

/** The INVALID_QUERY error thrown by parsing `text`. */
function parseError(text: string): { message: string; position: unknown } {
  try {
    parseQuery(text);
  } catch (err) {
    expect(isHubError(err, 'INVALID_QUERY'), String(err)).toBe(true);
    const hubErr = err as Error & { details?: { position?: unknown } };
    return { message: hubErr.message, position: hubErr.details?.position };
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('query errors', () => {
  it('reports the position of a missing expression, quoting the last token', () => {
    expect(parseError('SELECT * FROM devices WHERE')).toEqual({
      message: "Syntax error at position 27 near 'WHERE': expected an expression",
      position: 27,
    });
  });

  const cases: [string, number, string][] = [
    ['SELECT * FROM widgets', 14, "near 'widgets': expected devices, devices.modules or devices.jobs"],
    ['SELECT deviceId FROM devices.jobs', 7, 'devices.jobs allows only SELECT *'],
    ["SELECT * FROM devices.jobs WHERE tags.x = 'a'", 33, 'devices.jobs.<field>'],
    ['SELECT * FROM devices.jobs GROUP BY devices.jobs.status', 36, 'does not allow GROUP BY'],
    ['SELECT COUNT() FROM devices.jobs', 7, 'devices.jobs allows only SELECT *'],
    ["SELECT * FROM devices WHERE tags.group = 'edge'", 33, 'write [[group]]'],
    ["SELECT * FROM devices WHERE STARTS_WITH(deviceId, 'a')", 28, 'unknown function STARTS_WITH'],
    ['SELECT * FROM devices WHERE NOPE()', 28, 'unknown function NOPE'],
    ['SELECT * FROM devices WHERE IS_DEFINED(tags.a, tags.b)', 28, 'IS_DEFINED takes 1 argument, got 2'],
    ['SELECT * FROM devices WHERE COUNT() > 1', 28, 'only in the SELECT list'],
    ['SELECT * FROM devices;', 21, 'unexpected character U+003B'],
    ["SELECT * FROM devices WHERE tags.x = 'open", 37, 'closing'],
    ["SELECT * FROM devices WHERE tags.x = 'a\\qb'", 39, 'unsupported escape'],
    ['SELECT * FROM devices WHERE tags.[[x = 1', 33, "']]'"],
    ['SELECT * FROM devices WHERE tags.x IN 1', 38, 'a list of constants'],
    ['SELECT * FROM devices WHERE tags.x IN [tags.y]', 39, 'a constant'],
    ['SELECT * FROM devices WHERE (tags.x = 1', 39, "expected ')'"],
    ['SELECT * FROM devices WHERE tags.x = 1 ORDER BY tags.x', 39, "near 'ORDER'"],
    ['SELECT TOP x * FROM devices', 11, 'a whole number after TOP'],
    ['SELECT TOP 1.5 * FROM devices', 11, 'a whole number after TOP'],
    ['SELECT FROM devices', 7, "'*', a property path or an aggregate"],
    ['SELECT * devices', 9, 'expected FROM'],
    ['SELECT deviceId, COUNT() FROM devices', 7, 'mixed with aggregates'],
    ['SELECT tags.a, COUNT() FROM devices GROUP BY tags.b', 7, 'group key or an aggregate'],
    ['SELECT * FROM devices GROUP BY tags.a', 31, 'GROUP BY needs a SELECT list'],
    ['SELECT tags.a, properties.a FROM devices', 15, 'used twice'],
    ['SELECT AVG() FROM devices', 11, 'a property path in AVG()'],
    ['SELECT COUNT(tags.a) FROM devices', 13, "expected ')'"],
    ['SELECT * FROM devices WHERE tags.x = 12abc', 37, 'a number'],
  ];

  it.each(cases)('%s → position %i', (text, position, fragment) => {
    const err = parseError(text);
    expect(err.position).toBe(position);
    expect(err.message).toContain(`position ${position}`);
    expect(err.message).toContain(fragment);
    expect(err.message).not.toContain(';');
  });

  it('never puts a ; in a message, even when quoting one', () => {
    for (const text of [
      "SELECT * FROM devices WHERE tags.x = 'a;b",
      'SELECT * FROM devices WHERE [[a;b]] = ;',
      ';',
    ]) {
      expect(parseError(text).message).not.toContain(';');
    }
  });

  it('rejects a query longer than 8192 characters and accepts one of exactly 8192', () => {
    const head = "SELECT * FROM devices WHERE tags.site = '";
    const exact = `${head}${'x'.repeat(MAX_QUERY_LENGTH - head.length - 1)}'`;
    expect(exact).toHaveLength(8192);
    expect(() => parseQuery(exact)).not.toThrow();
    const long = `${head}${'x'.repeat(MAX_QUERY_LENGTH - head.length)}'`;
    expect(long).toHaveLength(8193);
    const err = parseError(long);
    expect(err.message).toContain('8193 characters');
    expect(err.position).toBe(8192);
  });

  it('accepts keywords in any case and optional aliases', () => {
    expect(() =>
      parseQuery(
        'select top 2 deviceId, tags.site as s from devices where tags.floor >= 1 and not is_defined(tags.x)',
      ),
    ).not.toThrow();
    expect(() => parseQuery('Select Count() As n From Devices Group By tags.site')).not.toThrow();
    expect(() => parseQuery('Select tags.site, Count() As n From Devices Group By tags.site')).not.toThrow();
  });
});
