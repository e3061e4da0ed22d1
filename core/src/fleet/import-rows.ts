/**
 * The rows of a fleet import (`POST /api/v1/imports`), from CSV or JSON, checked for shape only:
 * ids, keys and twin limits are checked by the registry when the row is created.
 *
 * CSV: a header line, then one device per line. Columns: `deviceId` (required), `tags.<path>`,
 * `desired.<path>` (dotted paths build nested objects), `primaryKey`, `secondaryKey` (base64; generated
 * when empty). Cells hold a JSON literal (`42`, `true`, `"007"`, `{"a":1}`) or plain text; an empty
 * cell sets nothing. Columns `status`, `connectionState`, `lastActivityTime` and `reported.<path>`
 * (written by the export) are ignored, so an export reads back as an import.
 */
import { HubError } from '../errors';
import { isPlainObject } from '../twins/json-merge';
import { parseCsv } from './csv';
import { cellValue, setPath } from './twin-paths';

/** One device to create: its 1-based row number (CSV: line after the header; JSON: array index + 1). */
export interface ImportRow {
  row: number;
  deviceId: string;
  tags?: Record<string, unknown>;
  desired?: Record<string, unknown>;
  primaryKey?: string;
  secondaryKey?: string;
  /** Set when the row is malformed: it is reported failed and never written. */
  error?: string;
}

/** Most rows one import takes. */
export const MAX_IMPORT_ROWS = 100_000;

const IGNORED = new Set(['status', 'connectionState', 'lastActivityTime']);
const JSON_MEMBERS = new Set(['deviceId', 'tags', 'desired', 'primaryKey', 'secondaryKey']);
// Members of a JSON export that an import reads past, so an export reads back as an import.
const JSON_IGNORED = new Set([...IGNORED, 'statusReason', 'authenticationType', 'reported']);

type Column =
  | { kind: 'deviceId' | 'primaryKey' | 'secondaryKey' | 'ignored' }
  | { kind: 'tags' | 'desired'; path: string[] };

function column(name: string, index: number): Column {
  const trimmed = name.trim();
  if (trimmed === 'deviceId' || trimmed === 'primaryKey' || trimmed === 'secondaryKey')
    return { kind: trimmed };
  if (IGNORED.has(trimmed) || trimmed.startsWith('reported.')) return { kind: 'ignored' };
  const [section, ...path] = trimmed.split('.');
  if ((section === 'tags' || section === 'desired') && path.length && path.every((p) => p !== '')) {
    return { kind: section, path };
  }
  throw new HubError(
    'INVALID_ARGUMENT',
    `CSV column ${index + 1} (${trimmed || 'empty'}) is not deviceId, tags.<path>, desired.<path>, primaryKey or secondaryKey.`,
  );
}

function checkCount(count: number): void {
  if (count === 0) throw new HubError('INVALID_ARGUMENT', 'The import holds no device.');
  if (count > MAX_IMPORT_ROWS) {
    throw new HubError(
      'TOO_MANY_DEVICES',
      `An import takes at most ${MAX_IMPORT_ROWS} devices, got ${count}.`,
    );
  }
}

/** Reads an import CSV; a bad header fails the whole import, a bad line fails only its row. */
export function parseImportCsv(text: string): ImportRow[] {
  const [header, ...lines] = parseCsv(text);
  if (!header) throw new HubError('INVALID_ARGUMENT', 'The CSV is empty: it needs a header line.');
  const columns = header.map(column);
  if (!columns.some((c) => c.kind === 'deviceId')) {
    throw new HubError('INVALID_ARGUMENT', 'The CSV header has no deviceId column.');
  }
  checkCount(lines.length);
  return lines.map((cells, i) => {
    const row: ImportRow = { row: i + 1, deviceId: '' };
    if (cells.length !== columns.length) {
      row.deviceId = cells[columns.findIndex((c) => c.kind === 'deviceId')] ?? '';
      row.error = `The line has ${cells.length} cells, the header ${columns.length}.`;
      return row;
    }
    columns.forEach((col, c) => {
      const text = cells[c] as string;
      if (col.kind === 'deviceId') row.deviceId = text.trim();
      else if (col.kind === 'primaryKey' || col.kind === 'secondaryKey') {
        if (text.trim() !== '') row[col.kind] = text.trim();
      } else if (col.kind === 'tags' || col.kind === 'desired') {
        const value = cellValue(text);
        if (value === undefined) return;
        row[col.kind] ??= {};
        setPath(row[col.kind] as Record<string, unknown>, col.path, value);
      }
    });
    if (row.deviceId === '') row.error = 'The deviceId cell is empty.';
    return row;
  });
}

/**
 * Reads an import JSON body: an array of `{deviceId, tags?, desired?, primaryKey?, secondaryKey?}`;
 * the other members of an export entry (status, reported, …) are ignored, any other member fails the row.
 */
export function parseImportJson(body: unknown): ImportRow[] {
  if (!Array.isArray(body)) {
    throw new HubError(
      'INVALID_ARGUMENT',
      'A JSON import is an array of {deviceId, tags?, desired?, primaryKey?, secondaryKey?}.',
    );
  }
  checkCount(body.length);
  return body.map((item: unknown, i) => {
    const row: ImportRow = { row: i + 1, deviceId: '' };
    if (!isPlainObject(item)) return { ...row, error: 'The entry is not a JSON object.' };
    if (typeof item.deviceId === 'string') row.deviceId = item.deviceId;
    const unknownKey = Object.keys(item).find((k) => !JSON_MEMBERS.has(k) && !JSON_IGNORED.has(k));
    if (row.deviceId === '') row.error = 'deviceId must be a non-empty string.';
    else if (unknownKey) row.error = `Unknown member ${unknownKey}.`;
    for (const section of ['tags', 'desired'] as const) {
      const value = item[section];
      if (value === undefined || value === null) continue;
      if (isPlainObject(value)) row[section] = value;
      else row.error ??= `${section} must be a JSON object.`;
    }
    for (const key of ['primaryKey', 'secondaryKey'] as const) {
      const value = item[key];
      if (value === undefined || value === null || value === '') continue;
      if (typeof value === 'string') row[key] = value;
      else row.error ??= `${key} must be a base64 string.`;
    }
    return row;
  });
}
