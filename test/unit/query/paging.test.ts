import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../core/src/errors';
import {
  clampPageSize,
  type ParsedQuery,
  parseQuery,
  type QuerySource,
  runQuery,
} from '../../../core/src/query';
import { arraySource, type Doc, fleetSource, generateTwins, loadFixture } from './fleet';

/** Reads every page; returns the page sizes, the rows and whether a token was sent with the last page. */
function pageThrough(query: ParsedQuery, source: QuerySource, pageSize?: number) {
  const sizes: number[] = [];
  const rows: Doc[] = [];
  let continuation: string | undefined;
  do {
    const page = runQuery(query, source, {
      ...(pageSize !== undefined && { pageSize }),
      ...(continuation && { continuation }),
    });
    sizes.push(page.rows.length);
    rows.push(...(page.rows as Doc[]));
    continuation = page.continuation;
    expect(sizes.length).toBeLessThan(1000);
  } while (continuation !== undefined);
  return { sizes, rows };
}

function expectInvalidQuery(run: () => unknown): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(isHubError(caught, 'INVALID_QUERY'), String(caught)).toBe(true);
  expect((caught as Error).message).not.toContain(';');
}

describe('paging', () => {
  const twins = generateTwins(250);
  const source = arraySource(twins);

  it('returns 100, 100, 50 rows for 250 twins and no token on the last page', () => {
    const query = parseQuery('SELECT * FROM devices');
    const first = runQuery(query, source);
    expect(first.rows).toHaveLength(100);
    expect(first.continuation).toMatch(/^[A-Za-z0-9_-]+$/);
    const { sizes, rows } = pageThrough(query, source, 100);
    expect(sizes).toEqual([100, 100, 50]);
    expect(rows.map((r) => r.deviceId)).toEqual(twins.map((t) => t.deviceId));
  });

  it('sends no token when the rows end exactly on a page boundary', () => {
    const page = runQuery(parseQuery('SELECT * FROM devices'), arraySource(twins.slice(0, 100)));
    expect(page.rows).toHaveLength(100);
    expect('continuation' in page).toBe(false);
  });

  it('clamps the page size to 1..100', () => {
    expect([
      clampPageSize(undefined),
      clampPageSize(0),
      clampPageSize(-5),
      clampPageSize(2.7),
      clampPageSize(500),
    ]).toEqual([100, 1, 1, 2, 100]);
    expect(runQuery(parseQuery('SELECT * FROM devices'), source, { pageSize: 1000 }).rows).toHaveLength(100);
    expect(runQuery(parseQuery('SELECT * FROM devices'), source, { pageSize: 0 }).rows).toHaveLength(1);
  });

  it('pages projections with a WHERE clause', () => {
    const { sizes, rows } = pageThrough(
      parseQuery("SELECT deviceId FROM devices WHERE tags.site = 'even'"),
      source,
      50,
    );
    expect(sizes).toEqual([50, 50, 25]);
    expect(rows[0]).toEqual({ deviceId: 'dev-00000' });
    expect(rows.at(-1)).toEqual({ deviceId: 'dev-00248' });
  });

  it('accepts a token with a freshly parsed query of the same text (as over HTTP)', () => {
    const text = 'SELECT * FROM devices';
    const first = runQuery(parseQuery(text), source, { pageSize: 10 });
    const second = runQuery(parseQuery(text), source, {
      pageSize: 10,
      continuation: first.continuation ?? '',
    });
    expect((second.rows[0] as Doc).deviceId).toBe('dev-00010');
  });
});

describe('TOP with paging', () => {
  const source = arraySource(generateTwins(250));

  it('holds TOP across pages', () => {
    expect(pageThrough(parseQuery('SELECT TOP 5 * FROM devices'), source, 2).sizes).toEqual([2, 2, 1]);
    expect(pageThrough(parseQuery('SELECT TOP 4 * FROM devices'), source, 2).sizes).toEqual([2, 2]);
    expect(pageThrough(parseQuery('SELECT TOP 150 deviceId FROM devices'), source).sizes).toEqual([100, 50]);
  });

  it('sends no token when TOP ends on the first page', () => {
    const page = runQuery(parseQuery('SELECT TOP 100 * FROM devices'), source);
    expect(page.rows).toHaveLength(100);
    expect(page.continuation).toBeUndefined();
    expect(runQuery(parseQuery('SELECT TOP 0 * FROM devices'), source)).toEqual({
      rows: [],
      itemType: 'twin',
    });
  });

  it('returns the first rows in canonical order', () => {
    const rows = pageThrough(
      parseQuery("SELECT TOP 3 * FROM devices WHERE tags.site = 'odd'"),
      source,
      1,
    ).rows;
    expect(rows.map((r) => r.deviceId)).toEqual(['dev-00001', 'dev-00003', 'dev-00005']);
  });
});

describe('continuation tokens', () => {
  const source = arraySource(generateTwins(250));

  it('are rejected for another query text', () => {
    const first = runQuery(parseQuery('SELECT * FROM devices'), source);
    const token = first.continuation ?? '';
    expectInvalidQuery(() =>
      runQuery(parseQuery('SELECT * FROM devices WHERE tags.index >= 0'), source, { continuation: token }),
    );
    expectInvalidQuery(() => runQuery(parseQuery('select * from devices'), source, { continuation: token }));
  });

  it('are rejected when malformed, and on aggregate queries', () => {
    const query = parseQuery('SELECT * FROM devices');
    for (const bad of ['', 'not base64!', 'eyJ4IjoxfQ', 'AAAA', 'x'.repeat(5000)]) {
      expectInvalidQuery(() => runQuery(query, source, { continuation: bad }));
    }
    const token = runQuery(query, source).continuation ?? '';
    expectInvalidQuery(() =>
      runQuery(parseQuery('SELECT COUNT() FROM devices'), source, { continuation: token }),
    );
  });

  it('stay correct when rows are deleted or added between pages', () => {
    const twins = generateTwins(250);
    const live = arraySource(twins);
    const query = parseQuery('SELECT * FROM devices');
    const first = runQuery(query, live);
    expect((first.rows.at(-1) as Doc).deviceId).toBe('dev-00099');
    // Delete the last row sent and the next one; add a row before the cursor (too late to be seen).
    twins.splice(99, 2);
    twins.unshift({ deviceId: 'aaa-new', tags: {} });
    const second = runQuery(query, live, { continuation: first.continuation ?? '' });
    expect((second.rows[0] as Doc).deviceId).toBe('dev-00101');
    expect(second.rows).toHaveLength(100);
    const third = runQuery(query, live, { continuation: second.continuation ?? '' });
    // dev-00101..dev-00249 remain after the cursor: 149 rows, 100 then 49.
    expect(third.rows).toHaveLength(49);
    expect(third.continuation).toBeUndefined();
    const seen = [...first.rows, ...second.rows, ...third.rows].map((r) => (r as Doc).deviceId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain('dev-00100');
  });

  it('page device-job rows by jobId then deviceId, and module twins by deviceId then moduleId', () => {
    const fleet = fleetSource(loadFixture());
    const jobs = pageThrough(parseQuery('SELECT * FROM devices.jobs'), fleet, 1);
    expect(jobs.sizes).toEqual([1, 1, 1, 1]);
    expect(jobs.rows.map((r) => `${r.jobId}/${r.deviceId}`)).toEqual([
      'job-fw/therm-01',
      'job-fw/therm-02',
      'job-reboot/valve-01',
      'job-reboot/valve-02',
    ]);
    const modules = pageThrough(parseQuery('SELECT * FROM devices.modules'), fleet, 1);
    expect(modules.rows.map((r) => `${r.deviceId}/${r.moduleId}`)).toEqual([
      'gw-01/collector',
      'gw-01/filter',
      'therm-01/diag',
    ]);
  });
});
