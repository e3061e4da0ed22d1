/** Output and option helpers shared by the fleet commands (device, twin, query, method, job, config). */

/** One column of a table: its header and how a row gives its cell. */
export interface Column<T> {
  header: string;
  value(row: T): unknown;
}

const MAX_CELL = 48;

/** A cell as text: strings as they are, other values as compact JSON, cut to MAX_CELL characters. */
export function cell(value: unknown): string {
  const text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 3)}...` : text;
}

/** Rows as an aligned text table with a header line; `(none)` when there are no rows. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(columns.map((c) => c.header)), ...cells.map(line)].join('\n')}\n`;
}

/** `key: value` lines, keys aligned; undefined values are left out. */
export function formatFields(fields: Record<string, unknown>): string {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries
    .map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${typeof v === 'string' ? v : JSON.stringify(v)}\n`)
    .join('');
}

/** Writes a value as indented JSON on stdout (the `--json` output). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes text on stdout. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Parses the JSON of an option, with an error naming the option. */
export function parseJsonOption(option: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${option} is not valid JSON (${(err as Error).message}): ${text}`);
  }
}

/** Parses the JSON object of an option. */
export function parseJsonObject(option: string, text: string): Record<string, unknown> {
  const value = parseJsonOption(option, text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${option} must be a JSON object, e.g. '{"site":"plantA"}'.`);
  }
  return value as Record<string, unknown>;
}

/** Parses a whole number option within bounds. */
export function parseWholeNumber(
  option: string,
  text: unknown,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${option} must be a whole number from ${min} to ${max}, not ${String(text)}.`);
  }
  return n;
}

/** The value of an optional whole number option, or undefined when not given. */
export function optionalWholeNumber(
  option: string,
  text: unknown,
  min = 1,
  max?: number,
): number | undefined {
  return text === undefined ? undefined : parseWholeNumber(option, text, min, max);
}

/** Commander's collector for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds `--top <n>` and `--all` to a list command. */
export function pageOptionsOf(opts: Record<string, unknown>): { top?: number; all: boolean } {
  const top = optionalWholeNumber('--top', opts.top);
  return { all: opts.all === true, ...(top !== undefined ? { top } : {}) };
}

/** Tells (on stderr, so stdout stays parseable) that a list was cut short. */
export function noteMore(shown: number, what: string): void {
  process.stderr.write(`(showing the first ${shown} ${what}; more remain: use --top <n> or --all)\n`);
}
