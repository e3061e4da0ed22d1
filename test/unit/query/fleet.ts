import { readFileSync } from 'node:fs';
import type { QuerySource } from '../../../core/src/query';

/** A JSON document row. */
export type Doc = Record<string, unknown>;

/** One acceptance case of query-fleet.json. */
export interface FixtureCase {
  id: string;
  query: string;
  basis: string;
  expect: {
    deviceIds?: string[];
    ordered?: boolean;
    rows?: Doc[];
    anyOrder?: boolean;
    match?: 'subset';
    error?: number;
  };
}

/** The shared acceptance fixture (docs/fixtures/query-fleet.json). */
export interface Fixture {
  fleet: Doc[];
  modules: Doc[];
  jobs: Doc[];
  cases: FixtureCase[];
}

// CI checks `shared/` out beside the repository, so the fixture sits four levels up from this folder.
const FIXTURE_URL = new URL('../../../../shared/docs/fixtures/query-fleet.json', import.meta.url);

/** Reads the fixture from disk. */
export function loadFixture(): Fixture {
  return JSON.parse(readFileSync(FIXTURE_URL, 'utf8')) as Fixture;
}

/** Adds the twin defaults of query-language.md §5 to fields the fixture leaves out. */
export function withTwinDefaults(twin: Doc): Doc {
  const capabilities = { iotEdge: false, ...(twin.capabilities as Doc | undefined) };
  return { status: 'enabled', connectionState: 'Disconnected', ...twin, capabilities };
}

const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Sorts rows by the given string fields, ordinally (the canonical order the source must keep). */
export function sortBy(rows: Doc[], ...fields: string[]): Doc[] {
  return [...rows].sort((a, b) => {
    for (const f of fields) {
      const c = ordinal(str(a[f]), str(b[f]));
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** A source over arrays that are read on every call, so tests can add or remove rows between pages. */
export function arraySource(devices: Doc[], modules: Doc[] = [], jobs: Doc[] = []): QuerySource {
  return { devices: () => devices, modules: () => modules, jobs: () => jobs };
}

/** The fixture fleet as a canonical-order source. */
export function fleetSource(fixture: Fixture): QuerySource {
  return arraySource(
    sortBy(fixture.fleet.map(withTwinDefaults), 'deviceId'),
    sortBy(fixture.modules, 'deviceId', 'moduleId'),
    sortBy(fixture.jobs, 'jobId', 'deviceId'),
  );
}

/** `count` generated twins `dev-00000`, `dev-00001`, … in canonical order, tagged by index. */
export function generateTwins(count: number): Doc[] {
  return Array.from({ length: count }, (_, i) =>
    withTwinDefaults({
      deviceId: `dev-${String(i).padStart(5, '0')}`,
      tags: { site: i % 2 === 0 ? 'even' : 'odd', index: i },
      properties: { desired: {}, reported: {} },
    }),
  );
}
