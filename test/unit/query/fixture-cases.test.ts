import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../core/src/errors';
import { parseQuery, runQuery } from '../../../core/src/query';
import { type Doc, type FixtureCase, fleetSource, loadFixture } from './fleet';

const fixture = loadFixture();
const source = fleetSource(fixture);

/** Runs a query through every page, as the SDK's Query.next() loop would. */
function runAll(text: string): { rows: unknown[]; itemType: string } {
  const query = parseQuery(text);
  const rows: unknown[] = [];
  let continuation: string | undefined;
  let itemType = '';
  do {
    const page = runQuery(query, source, { pageSize: 2, ...(continuation && { continuation }) });
    rows.push(...page.rows);
    itemType = page.itemType;
    continuation = page.continuation;
  } while (continuation !== undefined);
  return { rows, itemType };
}

/** Each expected row is contained in a distinct returned row (a greedy match is enough for these sizes). */
function matchSubset(actual: Doc[], expected: Doc[]): void {
  expect(actual).toHaveLength(expected.length);
  const free = [...actual];
  for (const want of expected) {
    const at = free.findIndex((row) => {
      try {
        expect(row).toMatchObject(want);
        return true;
      } catch {
        return false;
      }
    });
    expect(at, `no returned row contains ${JSON.stringify(want)}`).toBeGreaterThanOrEqual(0);
    free.splice(at, 1);
  }
}

describe('query-fleet.json acceptance cases', () => {
  it('has the 33 cases of query-language.md §6', () => {
    expect(fixture.cases).toHaveLength(33);
  });

  it.each(fixture.cases.map((c): [string, FixtureCase] => [`${c.id} ${c.query.slice(0, 90)}`, c]))(
    '%s',
    (_name, testCase) => {
      const want = testCase.expect;
      if (want.error !== undefined) {
        expect(want.error).toBe(400);
        let caught: unknown;
        try {
          runAll(testCase.query);
        } catch (err) {
          caught = err;
        }
        expect(isHubError(caught, 'INVALID_QUERY'), String(caught)).toBe(true);
        return;
      }
      const { rows, itemType } = runAll(testCase.query);
      if (want.deviceIds !== undefined) {
        expect(itemType).toBe('twin');
        const ids = (rows as Doc[]).map((r) => r.deviceId);
        if (want.ordered) expect(ids).toEqual(want.deviceIds);
        else expect([...ids].sort()).toEqual([...want.deviceIds].sort());
        return;
      }
      const expected = want.rows ?? [];
      if (want.match === 'subset') {
        expect(itemType).toBe(testCase.query.includes('devices.jobs') ? 'deviceJob' : 'twin');
        matchSubset(rows as Doc[], expected);
      } else {
        expect(itemType).toBe('raw');
        expect(rows).toHaveLength(expected.length);
        expect(rows).toEqual(expect.arrayContaining(expected));
      }
    },
  );
});
