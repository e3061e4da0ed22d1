import { describe, expect, it } from 'vitest';
import {
  ALL_DEVICES,
  countQuery,
  errorPosition,
  groupCondition,
  groupQuery,
  isDeviceListQuery,
  joinQuery,
  literal,
  normalizeQuery,
  PATH_RE,
  splitQuery,
  withCondition,
} from '../../../renderer/src/api/device-query';

describe('the Fleet query text (renderer/src/api/device-query.ts)', () => {
  it('takes a full query as typed, a bare or WHERE-led condition as a device query, empty as all', () => {
    expect(normalizeQuery('  ')).toBe(ALL_DEVICES);
    expect(normalizeQuery('select deviceId from devices where tags.x = 1')).toBe(
      'select deviceId from devices where tags.x = 1',
    );
    expect(normalizeQuery("tags.site = 'porto'")).toBe("SELECT * FROM devices WHERE tags.site = 'porto'");
    expect(normalizeQuery("WHERE tags.site = 'porto'")).toBe(
      "SELECT * FROM devices WHERE tags.site = 'porto'",
    );
  });

  it('splits top-level clauses, ignoring keywords inside strings, [[keys]] and parentheses', () => {
    expect(
      splitQuery("SELECT * FROM devices WHERE tags.note = 'from where group by' AND (tags.a = 1)"),
    ).toEqual({
      select: '*',
      from: 'devices',
      where: "tags.note = 'from where group by' AND (tags.a = 1)",
    });
    expect(
      splitQuery('select top 5 tags.[[from]] AS f, COUNT() AS n from devices group by tags.[[from]]'),
    ).toEqual({
      select: 'tags.[[from]] AS f, COUNT() AS n',
      top: 5,
      from: 'devices',
      groupBy: 'tags.[[from]]',
    });
    expect(splitQuery("SELECT * FROM devices WHERE tags.s = 'it\\'s where'")?.where).toBe(
      "tags.s = 'it\\'s where'",
    );
    expect(splitQuery('SELECT * WHERE x = 1')).toBeUndefined();
    expect(splitQuery('SELECT * FROM devices WHERE')).toBeUndefined();
    expect(splitQuery('FROM devices SELECT *')).toBeUndefined();
  });

  it('derives the count, the groups and a group filter of a query', () => {
    const parts = splitQuery("SELECT * FROM devices WHERE tags.type = 'meter'")!;
    expect(isDeviceListQuery(parts)).toBe(true);
    expect(countQuery(parts)).toBe("SELECT COUNT() AS n FROM devices WHERE tags.type = 'meter'");
    expect(groupQuery(parts, 'tags.site')).toBe(
      "SELECT tags.site AS k, COUNT() AS n FROM devices WHERE tags.type = 'meter' GROUP BY tags.site",
    );
    expect(joinQuery(withCondition(parts, groupCondition('tags.site', "o'hare")))).toBe(
      "SELECT * FROM devices WHERE (tags.type = 'meter') AND tags.site = 'o\\'hare'",
    );
    expect(groupCondition('tags.floor', undefined)).toBe('NOT IS_DEFINED(tags.floor)');
    expect(literal(2)).toBe('2');
    expect(literal(true)).toBe('true');
    const grouped = splitQuery('SELECT tags.site, COUNT() AS n FROM devices GROUP BY tags.site');
    expect(isDeviceListQuery(grouped)).toBe(false);
    expect(countQuery(grouped)).toBeUndefined();
    expect(
      countQuery(splitQuery("SELECT * FROM devices.jobs WHERE devices.jobs.jobId = 'j'")),
    ).toBeUndefined();
  });

  it('reads the position of a query error and accepts property paths only', () => {
    expect(errorPosition("Syntax error at position 40 near '=': expected an expression")).toBe(40);
    expect(errorPosition('something else')).toBeUndefined();
    expect(PATH_RE.test('tags.site')).toBe(true);
    expect(PATH_RE.test('tags.[[my-key]]')).toBe(true);
    expect(PATH_RE.test("tags.site = 'x'")).toBe(false);
  });
});
