import { describe, expect, it } from 'vitest';
import { isAggregateQuery, parseQuery, runQuery, selectsAll } from '../../../core/src/query';
import { arraySource, fleetSource, loadFixture, withTwinDefaults } from './fleet';

const source = fleetSource(loadFixture());
const rows = (text: string) => runQuery(parseQuery(text), source).rows;

describe('projections', () => {
  it('names keys after the last segment, in canonical case for top-level fields', () => {
    const page = runQuery(
      parseQuery("SELECT DeviceId, CONNECTIONSTATE, tags.Floor FROM devices WHERE tags.site = 'plantC'"),
      source,
    );
    expect(page.itemType).toBe('raw');
    expect(page.rows).toEqual([{ deviceId: 'valve-02', connectionState: 'Disconnected' }]);
  });

  it('omits keys whose value is undefined, and uses aliases (also [[escaped]])', () => {
    expect(
      rows(
        "SELECT deviceId, tags.site AS s, tags.owner.team AS [[the team]] FROM devices WHERE STARTSWITH(deviceId, 's') OR tags.floor = 1",
      ),
    ).toEqual([
      { deviceId: 'gw-01', s: 'plantA' },
      { deviceId: 'sensor-x' },
      { deviceId: 'therm-01', s: 'plantA', 'the team': 'ops' },
      { deviceId: 'therm-03', s: 'plantB' },
    ]);
  });

  it('returns objects and arrays as values', () => {
    expect(
      rows("SELECT properties.reported.valve, tags.labels FROM devices WHERE deviceId = 'valve-01'"),
    ).toEqual([{ valve: { state: 'open', pressure: 3.2 }, labels: ['water'] }]);
  });

  it('works on module twins', () => {
    const page = runQuery(parseQuery('SELECT deviceId, moduleId, tags.role FROM devices.modules'), source);
    expect(page.rows).toEqual([
      { deviceId: 'gw-01', moduleId: 'collector' },
      { deviceId: 'gw-01', moduleId: 'filter', role: 'filter' },
      { deviceId: 'therm-01', moduleId: 'diag' },
    ]);
  });
});

describe('aggregates', () => {
  it('names unaliased aggregates $1, $2, …', () => {
    expect(
      rows('SELECT COUNT(), MAX(tags.floor), SUM(tags.floor) AS total, MIN(tags.floor) FROM devices'),
    ).toEqual([{ $1: 7, $2: 3, total: 8, $3: 1 }]);
  });

  it('uses numeric values only and omits the key when there are none', () => {
    expect(
      rows(
        'SELECT SUM(properties.reported.battery) AS s, AVG(properties.reported.battery) AS a, COUNT() AS n FROM devices',
      ),
    ).toEqual([{ s: 150, a: 50, n: 7 }]);
    expect(rows('SELECT AVG(tags.site) AS a, MIN(tags.missing) AS m, COUNT() AS n FROM devices')).toEqual([
      { n: 7 },
    ]);
  });

  it('returns exactly one row over zero twins', () => {
    const page = runQuery(
      parseQuery("SELECT COUNT() AS n, AVG(tags.floor) AS a FROM devices WHERE tags.site = 'nowhere'"),
      source,
    );
    expect(page).toEqual({ rows: [{ n: 0 }], itemType: 'raw' });
  });
});

describe('GROUP BY', () => {
  it('puts twins without the key into one group whose row lacks the key', () => {
    const result = rows('SELECT tags.floor, COUNT() AS n FROM devices GROUP BY tags.floor');
    expect(result).toHaveLength(4);
    expect(result).toEqual(
      expect.arrayContaining([{ floor: 1, n: 3 }, { floor: 2, n: 1 }, { floor: 3, n: 1 }, { n: 2 }]),
    );
  });

  it('groups by JSON equality, so 1 and "1" are different groups', () => {
    const twins = [1, '1', 1, { a: 1, b: 2 }, { b: 2, a: 1 }].map((k, i) =>
      withTwinDefaults({ deviceId: `d${i}`, tags: { k } }),
    );
    const page = runQuery(
      parseQuery('SELECT tags.k AS k, COUNT() AS n FROM devices GROUP BY tags.k'),
      arraySource(twins),
    );
    expect(page.rows).toHaveLength(3);
    expect(page.rows).toEqual(
      expect.arrayContaining([
        { k: 1, n: 2 },
        { k: '1', n: 1 },
        { k: { a: 1, b: 2 }, n: 2 },
      ]),
    );
  });

  it('allows GROUP BY without aggregates (distinct keys) and on modules [LOCAL]', () => {
    expect(rows("SELECT tags.type FROM devices WHERE tags.site = 'plantA' GROUP BY tags.type")).toEqual(
      expect.arrayContaining([{ type: 'thermostat' }, { type: 'gateway' }]),
    );
    const modules = rows(
      'SELECT properties.reported.status AS s, COUNT() AS n FROM devices.modules GROUP BY properties.reported.status',
    );
    expect(modules).toEqual(
      expect.arrayContaining([
        { s: 'running', n: 1 },
        { s: 'scanning', n: 2 },
      ]),
    );
    expect(modules).toHaveLength(2);
  });

  it('applies TOP after grouping', () => {
    expect(rows('SELECT TOP 2 tags.site, COUNT() AS n FROM devices GROUP BY tags.site')).toHaveLength(2);
  });

  it('matches the key path after top-level case folding', () => {
    expect(rows('SELECT Status, COUNT() AS n FROM devices GROUP BY status')).toEqual(
      expect.arrayContaining([
        { status: 'enabled', n: 6 },
        { status: 'disabled', n: 1 },
      ]),
    );
  });
});

describe('query shape helpers', () => {
  it('tells SELECT * and aggregate queries apart', () => {
    expect(selectsAll(parseQuery('SELECT * FROM devices'))).toBe(true);
    expect(selectsAll(parseQuery('SELECT deviceId FROM devices'))).toBe(false);
    expect(isAggregateQuery(parseQuery('SELECT COUNT() FROM devices'))).toBe(true);
    expect(isAggregateQuery(parseQuery('SELECT tags.a FROM devices GROUP BY tags.a'))).toBe(true);
    expect(isAggregateQuery(parseQuery('SELECT tags.a FROM devices'))).toBe(false);
  });

  it('keeps the parsed query as plain data', () => {
    const q = parseQuery('select top 3 deviceId as id from DEVICES.MODULES where tags.x = 1');
    expect(q).toMatchObject({
      collection: 'devices.modules',
      top: 3,
      select: [{ kind: 'path', name: 'id' }],
    });
    expect(q.where).toMatchObject({
      kind: 'binary',
      op: '=',
      left: { kind: 'path', segments: ['tags', 'x'] },
    });
    expect(JSON.parse(JSON.stringify(q))).toEqual(q);
  });
});
