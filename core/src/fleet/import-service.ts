/**
 * Fleet import jobs: rows are created in the background, a chunk at a time, each row by one
 * `registry.create` (identity, tags and desired in one durable commit, audited with the importer as
 * actor), so a bad row fails alone and leaves nothing behind. Jobs and their per-row results are
 * kept in memory (the last MAX_KEPT_IMPORTS finished ones); the devices they create are durable.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../contracts/change';
import { type ErrorCode, isHubError } from '../errors';
import type { Logger } from '../ports/logger';
import type { RegistryService } from '../registry/registry-service';
import type { ImportRow } from './import-rows';

/** The state of an import job. */
export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

/** The outcome of one row. */
export interface ImportRowResult {
  row: number;
  deviceId: string;
  status: 'created' | 'failed';
  error?: { code: ErrorCode; message: string };
}

/** An import job as `GET /api/v1/imports/{id}` shows it (without its results). */
export interface ImportJob {
  id: string;
  status: ImportStatus;
  format: 'csv' | 'json';
  createdBy: Actor;
  createdTime: string;
  endTime: string | null;
  failureReason: string | null;
  progress: { total: number; processed: number; succeeded: number; failed: number };
}

/** One page of an import's results. */
export interface ImportResultPage {
  results: ImportRowResult[];
  /** Offset of the next page; absent on the last one. */
  nextOffset?: number;
}

/** Starts and reads import jobs. */
export interface ImportService {
  /** Registers the job and starts it in the background. */
  start(rows: ImportRow[], format: ImportJob['format'], actor: Actor): ImportJob;
  /** The job, or undefined. */
  get(id: string): ImportJob | undefined;
  /** Results from `offset`, at most `limit`, optionally failed rows only. */
  results(id: string, offset: number, limit: number, failedOnly?: boolean): ImportResultPage | undefined;
  /** Every kept job, newest first. */
  list(): ImportJob[];
  /** Resolves when the job has finished (tests, shutdown). */
  settled(id: string): Promise<void>;
}

/** Rows created concurrently per chunk. */
export const IMPORT_CHUNK_ROWS = 250;
/** Finished imports kept for reading. */
export const MAX_KEPT_IMPORTS = 50;

interface Entry {
  job: ImportJob;
  results: ImportRowResult[];
  done: Promise<void>;
}

/** Creates the import service over the registry. */
export function createImportService(deps: {
  registry: Pick<RegistryService, 'create'>;
  nowIso: () => string;
  logger: Logger;
}): ImportService {
  const entries = new Map<string, Entry>();

  const createRow = async (row: ImportRow, actor: Actor): Promise<ImportRowResult> => {
    const base = { row: row.row, deviceId: row.deviceId };
    if (row.error)
      return { ...base, status: 'failed', error: { code: 'INVALID_ARGUMENT', message: row.error } };
    try {
      const input = {
        deviceId: row.deviceId,
        authentication: {
          type: 'sas',
          symmetricKey: { primaryKey: row.primaryKey ?? null, secondaryKey: row.secondaryKey ?? null },
        },
      };
      const init = {
        ...(row.tags ? { tags: row.tags } : {}),
        ...(row.desired ? { desired: row.desired } : {}),
      };
      await deps.registry.create(input, actor, row.tags || row.desired ? init : undefined);
      return { ...base, status: 'created' };
    } catch (err) {
      if (!isHubError(err)) throw err;
      return { ...base, status: 'failed', error: { code: err.code, message: err.message } };
    }
  };

  const run = async (entry: Entry, rows: ImportRow[], actor: Actor): Promise<void> => {
    const { job } = entry;
    // Starts on a later turn: the caller gets its 202 before any row is written.
    await new Promise((resolve) => setTimeout(resolve, 0));
    job.status = 'running';
    try {
      for (let at = 0; at < rows.length; at += IMPORT_CHUNK_ROWS) {
        const chunk = rows.slice(at, at + IMPORT_CHUNK_ROWS);
        const outcomes = await Promise.all(chunk.map((row) => createRow(row, actor)));
        for (const outcome of outcomes) {
          entry.results.push(outcome);
          job.progress.processed++;
          if (outcome.status === 'created') job.progress.succeeded++;
          else job.progress.failed++;
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      job.status = 'completed';
    } catch (err) {
      job.status = 'failed';
      job.failureReason = `The import stopped: ${String(err)}`;
      deps.logger.error('import failed', { importId: job.id, error: String(err) });
    }
    job.endTime = deps.nowIso();
    prune();
  };

  const prune = () => {
    const finished = [...entries.values()].filter((e) => e.job.endTime !== null);
    for (const e of finished.slice(0, Math.max(0, finished.length - MAX_KEPT_IMPORTS)))
      entries.delete(e.job.id);
  };

  const view = (job: ImportJob): ImportJob => ({ ...job, progress: { ...job.progress } });

  return {
    start(rows, format, actor) {
      const job: ImportJob = {
        id: `import-${randomBytes(8).toString('hex')}`,
        status: 'queued',
        format,
        createdBy: actor,
        createdTime: deps.nowIso(),
        endTime: null,
        failureReason: null,
        progress: { total: rows.length, processed: 0, succeeded: 0, failed: 0 },
      };
      const entry: Entry = { job, results: [], done: Promise.resolve() };
      entry.done = run(entry, rows, actor);
      entries.set(job.id, entry);
      return view(job);
    },
    get(id) {
      const entry = entries.get(id);
      return entry ? view(entry.job) : undefined;
    },
    results(id, offset, limit, failedOnly) {
      const entry = entries.get(id);
      if (!entry) return undefined;
      const all = failedOnly ? entry.results.filter((r) => r.status === 'failed') : entry.results;
      const results = all.slice(offset, offset + limit).map((r) => ({ ...r }));
      const next = offset + results.length;
      return next < all.length ? { results, nextOffset: next } : { results };
    },
    list: () => [...entries.values()].map((e) => view(e.job)).reverse(),
    async settled(id) {
      await entries.get(id)?.done;
    },
  };
}
