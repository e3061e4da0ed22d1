/** Percentiles and the figure shape every benchmark reports. */

/** A distribution summary in the unit of its samples. */
export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** The p-th percentile (0–100) of ascending `sorted` samples, by linear interpolation between ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Rounds to `digits` decimals (figures are printed, not computed with further). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Summarises samples (any order) with rounded percentiles. */
export function summarize(samples: readonly number[], digits = 2): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    min: round(sorted[0] ?? Number.NaN, digits),
    p50: round(percentile(sorted, 50), digits),
    p90: round(percentile(sorted, 90), digits),
    p99: round(percentile(sorted, 99), digits),
    max: round(sorted.at(-1) ?? Number.NaN, digits),
    mean: round(mean, digits),
  };
}

/** A target a figure is compared with; a miss is reported, never thrown. */
export interface Target {
  op: '>=' | '<=';
  limit: number;
}

/** One reported figure: the absolute value, its target and pass/miss, and its ratio to bare aedes. */
export interface Figure {
  value: number;
  unit: string;
  target?: string;
  status?: 'pass' | 'miss';
  ratioToBareAedes?: number;
}

/** Builds a figure, judged against `target` when one is given. */
export function figure(value: number, unit: string, options: { target?: Target } = {}): Figure {
  const out: Figure = { value: round(value), unit };
  const { target } = options;
  if (target) {
    out.target = `${target.op} ${target.limit}`;
    const met = target.op === '>=' ? value >= target.limit : value <= target.limit;
    out.status = met ? 'pass' : 'miss';
  }
  return out;
}

/** Whether a figure is a throughput (a rate per second), which is reported against bare aedes. */
export function isThroughput(f: Figure): boolean {
  return f.unit.endsWith('/s');
}

/** Sets `ratioToBareAedes` on a throughput figure: its value over the baseline's msg/s. */
export function addRatio(f: Figure, baseline: number): void {
  if (isThroughput(f) && baseline > 0) f.ratioToBareAedes = round(f.value / baseline, 4);
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export function msSince(start: number): number {
  return performance.now() - start;
}

/** Runs `count` tasks with at most `concurrency` in flight; `task(i)` gets the task index. */
export async function runPool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Progress line on stderr (stdout carries only the JSON result). */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Runs a full GC when the process was started with --expose-gc (so one phase's garbage is not billed to the next). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** JSON with two-space indentation laid out as Biome formats it (short primitive arrays on one line). */
export function formatJson(value: unknown, indent = '', lead = 0): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) {
      const inline = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      if (indent.length + lead + inline.length + 1 <= 110) return inline;
    }
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([k, v]) => {
      const key = `${JSON.stringify(k)}: `;
      return `${inner}${key}${formatJson(v, inner, key.length)}`;
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
