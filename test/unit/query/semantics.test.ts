import { describe, expect, it } from 'vitest';
import { matchesCondition, parseCondition, parseQuery, runQuery } from '../../../core/src/query';
import { type Doc, fleetSource, loadFixture } from './fleet';

const source = fleetSource(loadFixture());

/** deviceIds selected by `SELECT * FROM devices WHERE <where>` on the fixture fleet. */
function ids(where: string): string[] {
  const page = runQuery(parseQuery(`SELECT * FROM devices WHERE ${where}`), source);
  return (page.rows as Doc[]).map((r) => String(r.deviceId));
}

/** The three-valued result of a condition: true, false, or undefined (neither it nor its negation holds). */
function truth(condition: string, doc: Doc): boolean | undefined {
  if (matchesCondition(parseCondition(condition), doc)) return true;
  if (matchesCondition(parseCondition(`NOT (${condition})`), doc)) return false;
  return undefined;
}

/** A twin whose tags hold `a` and `b` when defined. */
function twinAB(a: boolean | undefined, b: boolean | undefined): Doc {
  const tags: Doc = {};
  if (a !== undefined) tags.a = a;
  if (b !== undefined) tags.b = b;
  return { deviceId: 'd', tags };
}

describe('three-valued logic (query-language.md §3)', () => {
  const values = [true, false, undefined];
  const and = (a?: boolean, b?: boolean) =>
    a === false || b === false ? false : a === true && b === true ? true : undefined;
  const or = (a?: boolean, b?: boolean) =>
    a === true || b === true ? true : a === false && b === false ? false : undefined;
  const cases = values.flatMap((a) =>
    values.map((b): [string, string, boolean | undefined, boolean | undefined] => [
      String(a),
      String(b),
      a,
      b,
    ]),
  );

  it.each(cases)('a=%s b=%s: AND, OR and NOT follow the table', (_sa, _sb, a, b) => {
    const doc = twinAB(a, b);
    expect(truth('tags.a AND tags.b', doc)).toBe(and(a, b));
    expect(truth('tags.a OR tags.b', doc)).toBe(or(a, b));
    expect(truth('NOT tags.a', doc)).toBe(a === undefined ? undefined : !a);
  });

  it('matches the documented rows of the table', () => {
    expect(truth('tags.a AND tags.b', twinAB(true, undefined))).toBeUndefined();
    expect(truth('tags.a OR tags.b', twinAB(true, undefined))).toBe(true);
    expect(truth('tags.a AND tags.b', twinAB(false, undefined))).toBe(false);
    expect(truth('tags.a OR tags.b', twinAB(false, undefined))).toBeUndefined();
  });

  it('keeps a row only for Boolean true, not for strings, numbers, objects or null', () => {
    const doc = { tags: { s: 'true', n: 1, o: {}, z: null, t: true } };
    for (const p of ['tags.s', 'tags.n', 'tags.o', 'tags.z', 'tags.missing']) {
      expect(matchesCondition(parseCondition(p), doc), p).toBe(false);
    }
    expect(matchesCondition(parseCondition('tags.t'), doc)).toBe(true);
  });

  it('!=, <> and NOT never select twins that lack the property', () => {
    expect(ids("tags.type != 'thermostat'")).toEqual(['gw-01', 'valve-01', 'valve-02']);
    expect(ids("NOT (tags.type = 'thermostat')")).toEqual(['gw-01', 'valve-01', 'valve-02']);
    expect(ids("NOT IS_DEFINED(tags.type) OR tags.type <> 'thermostat'")).toContain('sensor-x');
  });
});

describe('comparisons', () => {
  it('compares numbers, strings (ordinal) and booleans of the same type', () => {
    expect(ids('tags.floor < 2')).toEqual(['gw-01', 'therm-01', 'therm-03']);
    expect(ids("lastActivityTime >= '2024-05-01'")).toEqual(['gw-01', 'therm-01', 'valve-01']);
    expect(ids("deviceId > 'v'")).toEqual(['valve-01', 'valve-02']);
    expect(ids('capabilities.iotEdge > false')).toEqual(['gw-01']);
    expect(ids('properties.reported.temp = 24')).toEqual(['therm-02']);
  });

  it('gives undefined (not an error) for mixed types, objects and arrays', () => {
    // valve-02 reports battery "low": it is skipped by both the test and its negation.
    expect(ids('properties.reported.battery < 60')).toEqual(['therm-02', 'valve-01']);
    expect(ids('NOT (properties.reported.battery < 60)')).toEqual(['therm-01']);
    expect(ids("tags.floor = '1'")).toEqual([]);
    expect(ids("capabilities.iotEdge = 'true'")).toEqual([]);
    expect(ids('properties.reported.valve = properties.reported.valve')).toEqual([]);
    expect(ids("tags.labels = ['hvac']")).toEqual([]);
  });

  it('treats IN as a chain of = joined by OR, and NIN as NOT IN', () => {
    expect(ids("tags.site IN ['plantB', 'plantC']")).toEqual(['therm-03', 'valve-01', 'valve-02']);
    expect(ids("tags.site NIN ['plantA']")).toEqual(['therm-03', 'valve-01', 'valve-02']);
    expect(ids('tags.floor NIN [1, 2]')).toEqual(['valve-01']);
    // A mixed list: 3 = 'x' is undefined, so floors other than 1 are neither in nor not in.
    expect(ids("tags.floor IN [1, 'x']")).toEqual(['gw-01', 'therm-01', 'therm-03']);
    expect(ids("tags.floor NIN [1, 'x']")).toEqual([]);
    expect(ids('tags.floor IN []')).toEqual([]);
    expect(ids('tags.floor NIN [-1]')).toEqual(['gw-01', 'therm-01', 'therm-02', 'therm-03', 'valve-01']);
  });

  it('matches null only with null [LOCAL], as in job rows', () => {
    const q = parseQuery('SELECT * FROM devices.jobs WHERE devices.jobs.outcome.deviceMethodResponse = null');
    const rows = runQuery(q, source).rows as Doc[];
    expect(rows.map((r) => r.deviceId)).toEqual(['therm-01', 'therm-02', 'valve-02']);
  });
});

describe('arithmetic', () => {
  const doc = { tags: { n: 2, s: 'x', z: 0 } };
  const holds = (c: string) => matchesCondition(parseCondition(c), doc);

  it('computes with numbers and standard precedence', () => {
    expect(holds('tags.n + 1 = 3')).toBe(true);
    expect(holds('tags.n - 5 = -3')).toBe(true);
    expect(holds('tags.n * 2 + 1 = 5')).toBe(true);
    expect(holds('1 + 2 * 3 = 7 AND (1 + 2) * 3 = 9')).toBe(true);
    expect(holds('tags.n / 4 = 0.5 AND 7 % tags.n = 1')).toBe(true);
    expect(holds('-tags.n = -2 AND 0x10 = 16 AND 1e2 = 100')).toBe(true);
  });

  it('gives undefined for non-numbers and division by zero', () => {
    for (const c of [
      "tags.s + 1 = 'x1'",
      'tags.n / tags.z = 0',
      'tags.n % 0 = 0',
      'tags.missing + 1 = 1',
      "-tags.s = 'x'",
    ]) {
      expect(truth(c, doc), c).toBeUndefined();
    }
    expect(ids('properties.reported.temp - properties.desired.targetTemp > 1')).toEqual(['therm-02']);
  });
});

describe('functions', () => {
  it('are case-insensitive and STARTSWITH/ENDSWITH/CONTAINS work on strings only', () => {
    expect(ids('is_defined(tags.owner)')).toEqual(['therm-01']);
    expect(ids("EndsWith(deviceId, '-01')")).toEqual(['gw-01', 'therm-01', 'valve-01']);
    expect(ids("CONTAINS(properties.reported.fw, '.2.')")).toEqual(['therm-01', 'therm-03']);
    expect(truth("STARTSWITH(tags.floor, '1')", { tags: { floor: 1 } })).toBeUndefined();
  });

  it('implements the [LOCAL] type checks, never undefined for a missing value', () => {
    expect(ids('IS_NUMBER(properties.reported.battery)')).toEqual(['therm-01', 'therm-02', 'valve-01']);
    expect(ids('IS_STRING(properties.reported.battery)')).toEqual(['valve-02']);
    expect(ids('IS_ARRAY(tags.labels)')).toEqual(['therm-01', 'therm-02', 'valve-01']);
    expect(ids('IS_BOOL(capabilities.iotEdge) AND NOT IS_OBJECT(tags.labels)')).toHaveLength(7);
    expect(ids('IS_PRIMITIVE(tags.owner)')).toEqual([]);
    expect(ids('NOT IS_NUMBER(properties.reported.battery)')).toEqual([
      'gw-01',
      'sensor-x',
      'therm-03',
      'valve-02',
    ]);
    expect(truth('IS_NULL(tags.z)', { tags: { z: null } })).toBe(true);
    expect(truth('IS_NULL(tags.z)', { tags: {} })).toBe(false);
  });

  it('implements LOWER, UPPER, LENGTH and ARRAY_CONTAINS', () => {
    expect(ids("LOWER(connectionState) = 'connected'")).toEqual(['gw-01', 'therm-01', 'valve-01']);
    expect(ids("UPPER(tags.site) = 'PLANTC'")).toEqual(['valve-02']);
    expect(ids('LENGTH(tags.type) = 5')).toEqual(['valve-01', 'valve-02']);
    expect(ids("ARRAY_CONTAINS(tags.labels, 'water')")).toEqual(['valve-01']);
    expect(truth("ARRAY_CONTAINS(tags.site, 'p')", { tags: { site: 'p' } })).toBeUndefined();
    expect(truth('ARRAY_CONTAINS(tags.a, 1)', { tags: { a: [{ x: 1 }, 1] } })).toBe(true);
  });
});

describe('names and literals', () => {
  it('matches top-level fields case-insensitively but keys below tags/properties case-sensitively', () => {
    expect(ids("DEVICEID = 'gw-01' AND Tags.site = 'plantA'")).toEqual(['gw-01']);
    expect(ids("tags.Site = 'plantA'")).toEqual([]);
    expect(ids('Properties.reported.Temp > 0')).toEqual([]);
  });

  it('accepts [[escaped]] keys and string escapes', () => {
    const doc = { properties: { desired: { 'chiller-water': { 'temp.max': "it's" } } } };
    expect(truth("properties.desired.[[chiller-water]].[[temp.max]] = 'it\\'s'", doc)).toBe(true);
    expect(truth('properties.desired.[[chiller-water]].[[temp.max]] = "it\\u0027s"', doc)).toBe(true);
    expect(truth('properties.desired.[[chiller-water]].[[temp.max]] = "it\'s"', doc)).toBe(true);
  });

  it('never resolves prototype keys or array indexes', () => {
    expect(ids('IS_DEFINED(tags.constructor) OR IS_DEFINED(tags.__proto__)')).toEqual([]);
    expect(ids('IS_DEFINED(tags.labels.length) OR IS_DEFINED(tags.labels.[[0]])')).toEqual([]);
  });

  it('accepts true, false, null and undefined constants in any case', () => {
    expect(ids('capabilities.iotEdge = TRUE')).toEqual(['gw-01']);
    expect(ids('capabilities.iotEdge = False')).toHaveLength(6);
    expect(ids('tags.site = undefined')).toEqual([]);
  });
});
