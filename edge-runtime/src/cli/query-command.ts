import type { Command } from 'commander';
import { hubPath, readPages, resolveApiClient, withApiOptions } from './api-client';
import { TWIN_COLUMNS } from './device-command';
import {
  type Column,
  formatTable,
  noteMore,
  optionalWholeNumber,
  pageOptionsOf,
  print,
  printJson,
} from './format';

/** Table columns for query rows: the twin columns for whole twins, else every top-level field. */
function columnsOf(rows: Record<string, unknown>[]): Column<Record<string, unknown>>[] {
  if (rows.every((r) => typeof r.deviceId === 'string' && typeof r.properties === 'object')) {
    return TWIN_COLUMNS as unknown as Column<Record<string, unknown>>[];
  }
  const names: string[] = [];
  for (const row of rows) for (const name of Object.keys(row)) if (!names.includes(name)) names.push(name);
  return names.map((name) => ({ header: name.toUpperCase(), value: (r) => r[name] }));
}

/** `outpost query "<SELECT …>"`: the IoT Hub query language against a running hub. */
export function registerQueryCommand(program: Command): void {
  withApiOptions(
    program
      .command('query <sql>')
      .description(
        'run a query, e.g. "SELECT deviceId FROM devices WHERE tags.site = \'plantA\'"; one page unless --top/--all',
      )
      .option('--page-size <n>', 'rows per request (1-100, default 100)')
      .option('--top <n>', 'at most this many rows')
      .option('--all', 'every row, following the continuation pages')
      .option('--json', 'print a JSON array of the rows'),
  ).action(async (sql: string, opts: Record<string, unknown>) => {
    const pageSize = optionalWholeNumber('--page-size', opts.pageSize, 1, 100);
    const client = await resolveApiClient(opts, process.env);
    const { items, more } = await readPages<Record<string, unknown>>(
      client,
      'POST',
      hubPath(['devices', 'query']),
      { query: sql },
      { ...pageOptionsOf(opts), ...(pageSize !== undefined ? { pageSize } : {}) },
    );
    if (opts.json) printJson(items);
    else if (items.every((r) => typeof r === 'object' && r !== null))
      print(formatTable(items, columnsOf(items)));
    else for (const r of items) print(JSON.stringify(r));
    if (more) noteMore(items.length, 'rows');
  });
}
