import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImportJob, ImportRowResult } from '@outpost/core';
import type { Command } from 'commander';
import { createProgressBar } from '../simulator/progress-bar';
import { type ApiClient, resolveApiClient, withApiOptions } from './api-client';
import { print, printJson } from './format';
import { readJson } from './raw-request';

/** An import row result as the API answers it (the error code is the IoT Hub error name). */
type RowResult = Omit<ImportRowResult, 'error'> & { error?: { code: string; message: string } };

/** A failed row in full (a table would cut the message): `row 3 (pump-x): Code: message`. */
const errorLine = (r: RowResult) =>
  `row ${r.row}${r.deviceId ? ` (${r.deviceId})` : ''}: ${r.error?.code ?? 'failed'}: ${r.error?.message ?? ''}`;

const importPath = (id: string, params: Record<string, string> = {}) =>
  `/api/v1/imports/${encodeURIComponent(id)}${Object.keys(params).length ? `?${new URLSearchParams(params)}` : ''}`;

/** The content type of an import file, from its extension. */
function contentTypeOf(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'text/csv; charset=utf-8';
  if (ext === '.json') return 'application/json; charset=utf-8';
  throw new Error(`${file}: the import file must end in .csv or .json.`);
}

function summary(job: ImportJob): string {
  const p = job.progress;
  return `import ${job.id} ${job.status}: ${p.succeeded} created, ${p.failed} failed of ${p.total}`;
}

/** Polls the import until it ends, drawing progress on stderr (a bar on a TTY, else lines). */
async function follow(client: ApiClient, id: string, intervalMs: number): Promise<ImportJob> {
  const stderr = process.stderr;
  const bar = createProgressBar(stderr);
  let lastLine = '';
  for (;;) {
    const job = await client.json<ImportJob>('GET', importPath(id, { limit: '0' }));
    const p = job.progress;
    if (stderr.isTTY) bar.update(`import ${job.id} ${job.status}`, p.processed, p.total, p.failed);
    else {
      const line = `import ${job.id} ${job.status}: ${p.processed}/${p.total} rows, ${p.failed} failed`;
      if (line !== lastLine) stderr.write(`${line}\n`);
      lastLine = line;
    }
    if (job.status === 'completed' || job.status === 'failed') {
      bar.finish();
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Every failed row of an import, following the result pages. */
async function failedRows(client: ApiClient, id: string): Promise<RowResult[]> {
  const rows: RowResult[] = [];
  let offset = 0;
  for (;;) {
    const page = await client.json<{ results: RowResult[]; nextOffset?: number }>(
      'GET',
      importPath(id, { failedOnly: 'true', offset: String(offset), limit: '5000' }),
    );
    rows.push(...page.results);
    if (page.nextOffset === undefined) return rows;
    offset = page.nextOffset;
  }
}

/** `outpost import <file>`: bulk device creation from a CSV or JSON file. */
export function registerImportCommand(program: Command): void {
  withApiOptions(
    program
      .command('import <file>')
      .description(
        'create devices from a .csv or .json file (see fleet-operations.md), follow the import job ' +
          'and print the row errors; exit 1 when any row failed',
      )
      .option('--no-wait', 'only upload: print the import job and do not follow it')
      .option('--interval <ms>', 'milliseconds between progress polls', '500')
      .option('--json', 'print the job with its failed rows (`errors`) as JSON'),
  ).action(async (file: string, opts: Record<string, unknown>) => {
    const contentType = contentTypeOf(file);
    const intervalMs = Number(opts.interval);
    if (!(intervalMs >= 50 && intervalMs <= 60_000))
      throw new Error(`--interval must be milliseconds from 50 to 60000, not ${String(opts.interval)}.`);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (err) {
      throw new Error(`Cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    const client = await resolveApiClient(opts, process.env);
    const started = (await readJson(
      await client.raw('POST', '/api/v1/imports', { data, contentType }),
    )) as ImportJob;
    if (opts.wait === false) {
      if (opts.json) printJson(started);
      else print(`import ${started.id} ${started.status} (${started.progress.total} rows)`);
      return;
    }
    const job = await follow(client, started.id, intervalMs);
    const errors = job.progress.failed > 0 ? await failedRows(client, job.id) : [];
    if (opts.json) printJson({ ...job, errors });
    else {
      print(summary(job));
      if (errors.length) print(errors.map(errorLine).join('\n'));
    }
    if (job.status === 'failed')
      throw new Error(`${summary(job)}${job.failureReason ? `: ${job.failureReason}` : ''}`);
    if (job.progress.failed > 0)
      throw new Error(`${job.progress.failed} of ${job.progress.total} rows failed.`);
  });
}
