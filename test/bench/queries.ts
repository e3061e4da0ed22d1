import type { Hub } from '@outpost/core';
import { type Figure, figure, msSince, round, type Summary, summarize, type Target } from './stats';

/** A representative query of the benchmark. */
export interface BenchQuery {
  name: string;
  text: string;
}

/** The five representative queries (first page of 100 rows each), plus a tag query that matches nothing (a full scan). */
export const BENCH_QUERIES: readonly BenchQuery[] = [
  { name: 'tag', text: "SELECT * FROM devices WHERE tags.site = 'site-7'" },
  { name: 'tagFullScan', text: "SELECT * FROM devices WHERE tags.site = 'site-unknown'" },
  { name: 'count', text: "SELECT COUNT() AS n FROM devices WHERE tags.deviceType = 'thermostat'" },
  { name: 'groupByTag', text: 'SELECT tags.site AS site, COUNT() AS n FROM devices GROUP BY tags.site' },
  {
    name: 'reportedRange',
    text: 'SELECT * FROM devices WHERE properties.reported.temperatureC >= 38.5 AND properties.reported.temperatureC < 39',
  },
  {
    name: 'isDefinedAndOr',
    text: "SELECT deviceId, tags.site, properties.reported.alarm FROM devices WHERE IS_DEFINED(properties.reported.alarm) AND (tags.floor > 9 OR tags.deviceType = 'meter')",
  },
];

/** The latency of one query over the seeded twins. */
export interface QueryResult {
  text: string;
  rows: number;
  /** The first run after the patch phase (its twin documents partly rebuilt). */
  firstRunMs: number;
  latencyMs: Summary;
  p50Ms: Figure;
}

/** Options of the query benchmark. */
export interface QueryOptions {
  /** Timed runs per query (default 30). */
  runs?: number;
  /** Targets on p50 by query name (e.g. `tag`). */
  targets?: Record<string, Target>;
}

/** Times each bench query `runs` times with `hub.query(text, { pageSize: 100 })`. */
export function runQueries(hub: Hub, options: QueryOptions = {}): Record<string, QueryResult> {
  const runs = options.runs ?? 30;
  const out: Record<string, QueryResult> = {};
  for (const q of BENCH_QUERIES) {
    let started = performance.now();
    const page = hub.query(q.text, { pageSize: 100 });
    const firstRunMs = msSince(started);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      started = performance.now();
      hub.query(q.text, { pageSize: 100 });
      samples.push(msSince(started));
    }
    const latencyMs = summarize(samples, 3);
    const target = options.targets?.[q.name];
    out[q.name] = {
      text: q.text,
      rows: page.rows.length,
      firstRunMs: round(firstRunMs, 3),
      latencyMs,
      p50Ms: figure(latencyMs.p50, 'ms', target ? { target } : {}),
    };
  }
  return out;
}
