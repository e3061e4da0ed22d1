/**
 * A small writer of the Prometheus text exposition format (version 0.0.4): gauges, counters and
 * histograms with labels. Hand-written so the runtime needs no metrics dependency.
 */

/** Label names to values. */
export type Labels = Readonly<Record<string, string>>;

/** The content type scrapers expect. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels | undefined): string {
  if (!labels) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Collects metric families and renders them as one exposition document. */
export class Exposition {
  private readonly lines: string[] = [];

  /** One family with its HELP and TYPE, and a sample per entry. */
  family(
    name: string,
    type: 'gauge' | 'counter',
    help: string,
    samples: number | readonly { labels?: Labels; value: number }[],
  ): this {
    this.lines.push(`# HELP ${name} ${help.replace(/\n/g, ' ')}`, `# TYPE ${name} ${type}`);
    const list = typeof samples === 'number' ? [{ value: samples }] : samples;
    for (const s of list) this.lines.push(`${name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
    return this;
  }

  /** A histogram family. */
  histogram(name: string, help: string, histogram: Histogram): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    const snap = histogram.snapshot();
    let cumulative = 0;
    snap.bounds.forEach((bound, i) => {
      cumulative += snap.counts[i] ?? 0;
      this.lines.push(`${name}_bucket{le="${formatValue(bound)}"} ${cumulative}`);
    });
    this.lines.push(`${name}_bucket{le="+Inf"} ${snap.count}`);
    this.lines.push(`${name}_sum ${formatValue(snap.sum)}`, `${name}_count ${snap.count}`);
    return this;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** A fixed-bucket histogram (upper bounds inclusive, as Prometheus defines `le`). */
export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    this.sum += value;
    this.count++;
    const i = this.bounds.findIndex((b) => value <= b);
    if (i !== -1) this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  snapshot(): { bounds: readonly number[]; counts: readonly number[]; sum: number; count: number } {
    return { bounds: this.bounds, counts: [...this.counts], sum: this.sum, count: this.count };
  }
}
