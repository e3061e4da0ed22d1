import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { aedesBaseline, measureBareAedes } from './baseline-aedes';
import { makeBenchDir, openBenchHub, removeBenchDir, seedTwins } from './fixture';
import { describeMachine, describeRunLoad } from './machine';
import { runQueries } from './queries';
import { publishReport, runBench } from './report';
import { type BenchSlot, runRestart } from './restart';
import { addRatio, collectGarbage, type Figure, msSince, progress } from './stats';
import { runTwinPatches } from './twin-patches';

/** The suites `--only` can pick (seeding runs whenever a size is measured). */
export const SUITES = ['patches', 'queries', 'restart'] as const;
/** A suite name. */
export type Suite = (typeof SUITES)[number];

/** The default fleet sizes. */
export const DEFAULT_SIZES = [10_000, 100_000];

const RESULT_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'results',
  'latest-foundation.json',
);

/** Parses `--only <suite[,suite]>` (`baseline` alone skips the sizes) and `--sizes 10000,100000`. */
export function parseBenchArgs(argv: string[]): { suites: Suite[]; sizes: number[]; full: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: { only: { type: 'string' }, sizes: { type: 'string' } },
  });
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of only ?? []) {
    if (s !== 'baseline' && !SUITES.includes(s as Suite)) {
      throw new Error(`unknown suite ${s}; expected baseline or ${SUITES.join(', ')}`);
    }
  }
  const suites = only ? SUITES.filter((s) => only.includes(s)) : [...SUITES];
  const sizes = values.sizes ? values.sizes.split(',').map((s) => Number(s.trim())) : DEFAULT_SIZES;
  if (sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error('--sizes takes integers ≥ 100');
  return { suites, sizes, full: !values.only && !values.sizes };
}

/** One summary line: a figure with the size and name it belongs to (and the object it was copied from). */
type SummaryLine = { size: number; figure: string; source: Figure } & Figure;

/** Runs the selected suites on one fleet size in its own temp dir (removed afterwards). */
async function runSize(size: number, suites: Suite[]): Promise<Record<string, unknown>> {
  const dir = await makeBenchDir(size);
  const slot: BenchSlot = { bench: null };
  const out: Record<string, unknown> = {};
  const at10k = size <= 10_000;
  try {
    slot.bench = await openBenchHub(dir);
    progress(`size ${size}: seeding twins in ${dir}`);
    out.seed = await seedTwins(slot.bench, size);
    if (suites.includes('patches')) {
      progress(`size ${size}: durable twin patches`);
      collectGarbage();
      out.twinPatches = await runTwinPatches(slot.bench, size, {
        targets: {
          ...(at10k ? { patchesPerSec: { op: '>=', limit: 2_500 } } : {}),
          ackP99Ms: { op: '<=', limit: 100 },
          lagP99Ms: { op: '<=', limit: 50 },
        },
      });
    }
    if (suites.includes('queries')) {
      progress(`size ${size}: queries`);
      collectGarbage();
      const tagTarget = { op: '<=', limit: at10k ? 20 : 200 } as const;
      out.queries = runQueries(slot.bench.hub, { targets: { tag: tagTarget, tagFullScan: tagTarget } });
    }
    if (suites.includes('restart')) {
      progress(`size ${size}: restart`);
      out.restart = await runRestart(slot, 3);
    }
  } finally {
    await slot.bench?.hub.close().catch(() => undefined);
    slot.bench = null;
    await removeBenchDir(dir);
    collectGarbage();
  }
  return out;
}

/** Collects every Figure in a size's results into flat summary lines. */
function collectFigures(size: number, node: unknown, prefix: string, into: SummaryLine[]): void {
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (typeof obj.value === 'number' && typeof obj.unit === 'string') {
    into.push({ size, figure: prefix, ...(obj as unknown as Figure), source: obj as unknown as Figure });
    return;
  }
  for (const [k, v] of Object.entries(obj)) collectFigures(size, v, prefix ? `${prefix}.${k}` : k, into);
}

async function main(): Promise<void> {
  const { suites, sizes, full } = parseBenchArgs(process.argv.slice(2));
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  progress(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB, node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
  );
  progress('baseline (start): bare aedes QoS 1 publish round trips');
  const runsAtStart = await measureBareAedes();
  const results: Record<string, unknown> = {};
  const summary: SummaryLine[] = [];
  for (const size of suites.length > 0 ? sizes : []) {
    results[size] = await runSize(size, suites);
    collectFigures(size, results[size], '', summary);
  }
  progress('baseline (end): bare aedes QoS 1 publish round trips');
  const baseline = aedesBaseline(runsAtStart, await measureBareAedes());
  for (const line of summary) {
    addRatio(line.source, baseline.value);
    if (line.source.ratioToBareAedes !== undefined) line.ratioToBareAedes = line.source.ratioToBareAedes;
  }
  const durationMs = Math.round(msSince(started));
  const report = {
    benchmark: 'foundation',
    startedAt,
    durationMs,
    options: { suites, sizes },
    machine,
    load: describeRunLoad(cpuAtStart, started),
    baseline,
    notes: [
      'ratioToBareAedes = throughput figure / baseline.value, both measured in this run on this machine.',
      'Targets are reported as pass/miss and never fail the run.',
      'eventLoopLag = monitorEventLoopDelay value minus its 5 ms resolution, while the patches run.',
      'A load average above the core count, or processCpuPerWall well under 1, means other work shared the machine.',
    ],
    targetsMissed: summary.filter((f) => f.status === 'miss').map((f) => `${f.size}:${f.figure}`),
    summary: summary.map(({ source: _source, ...line }) => line),
    sizes: results,
  };
  await publishReport({ report, resultFile: RESULT_FILE, full, durationMs });
}

runBench('bench', main);
