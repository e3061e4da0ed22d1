import { open, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileFilter, OpenedFile, OpenFileOptions, SaveFileOptions } from '../desktop-api';
import type { BrowserWindowPort, DialogPort } from './electron-ports';

/** The files offered by default: what the fleet import reads. */
export const IMPORT_FILTERS: FileFilter[] = [
  { name: 'CSV or JSON', extensions: ['csv', 'json', 'ndjson'] },
  { name: 'All files', extensions: ['*'] },
];

// Imports are bounded by the hub's own import limit well below this; a bigger file is a mistake.
const MAX_OPEN_BYTES = 64 * 1024 * 1024;
// Exports of a 100k-device fleet stay far below this; anything larger is not worth a string copy.
const MAX_SAVE_CHARS = 256 * 1024 * 1024;
const EXTENSION = /^(\*|[A-Za-z0-9]{1,10})$/;

/** The page's options, checked field by field: whatever the page sends is untrusted. */
function readFilters(value: unknown, fallback: FileFilter[]): FileFilter[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length > 10)
    throw new Error('filters must be a list of {name, extensions}.');
  return value.map((f: unknown) => {
    const { name, extensions } = (f ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name.length > 100 || !Array.isArray(extensions)) {
      throw new Error('filters must be a list of {name, extensions}.');
    }
    if (!extensions.every((e): e is string => typeof e === 'string' && EXTENSION.test(e))) {
      throw new Error('filter extensions must be letters and digits without a dot, or *.');
    }
    return { name, extensions };
  });
}

// Reads go in chunks this big, so a file is never buffered past the limit.
const READ_CHUNK = 1024 * 1024;

/**
 * Reads a regular file of at most `limit` bytes. Anything else (a device such as /dev/zero, a
 * pipe, a folder) is refused before it is opened: those report a size of 0 whatever they hold,
 * and a pipe would block the open. The read itself stops one byte past the limit, for files whose
 * size says nothing (those in /proc) or that grow while being read.
 */
export async function readRegularFile(file: string, limit: number): Promise<Buffer> {
  const name = path.basename(file);
  const notAFile = () =>
    new Error(`${name} is not a regular file; choose a file, not a device, pipe or folder.`);
  const tooBig = (size: string) =>
    new Error(`${name} is ${size} bytes; files up to ${limit} bytes can be opened.`);
  const before = await stat(file);
  if (!before.isFile()) throw notAFile();
  if (before.size > limit) throw tooBig(String(before.size));
  const handle = await open(file, 'r');
  try {
    // The path may have been swapped between the stat and the open: check what was opened.
    const opened = await handle.stat();
    if (!opened.isFile()) throw notAFile();
    if (opened.size > limit) throw tooBig(String(opened.size));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw tooBig(`more than ${limit}`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 200) throw new Error(`${field} must be a short string.`);
  return value;
}

/** Shows an open-file dialog and reads the chosen file as UTF-8 text; null when cancelled. */
export async function openTextFile(
  dialog: DialogPort,
  window: BrowserWindowPort,
  options: unknown,
): Promise<OpenedFile | null> {
  const o = (options ?? {}) as OpenFileOptions & Record<string, unknown>;
  if (typeof o !== 'object') throw new Error('openFile takes an options object.');
  const title = optionalText(o.title, 'title');
  const result = await dialog.showOpenDialog(window, {
    ...(title ? { title } : {}),
    properties: ['openFile'],
    filters: readFilters(o.filters, IMPORT_FILTERS),
  });
  const file = result.filePaths[0];
  if (result.canceled || !file) return null;
  const bytes = await readRegularFile(file, MAX_OPEN_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new Error(`${path.basename(file)} is not UTF-8 text.`);
  }
  return { name: path.basename(file), text, bytes: bytes.length };
}

/** Shows a save-file dialog and writes the text as UTF-8; false when cancelled. */
export async function saveTextFile(
  dialog: DialogPort,
  window: BrowserWindowPort,
  options: unknown,
): Promise<boolean> {
  const o = (options ?? {}) as Partial<SaveFileOptions> & Record<string, unknown>;
  const defaultName = optionalText(o.defaultName, 'defaultName');
  if (!defaultName) throw new Error('saveFile needs a defaultName such as devices.csv.');
  if (typeof o.text !== 'string' || o.text.length > MAX_SAVE_CHARS) {
    throw new Error(`saveFile needs text of at most ${MAX_SAVE_CHARS} characters.`);
  }
  const title = optionalText(o.title, 'title');
  const ext = path.extname(defaultName).slice(1);
  const fallback = EXTENSION.test(ext) ? [{ name: ext.toUpperCase(), extensions: [ext] }] : [];
  const result = await dialog.showSaveDialog(window, {
    ...(title ? { title } : {}),
    // A base name only: the page cannot steer the dialog into a folder of its choosing.
    defaultPath: path.basename(defaultName),
    filters: readFilters(o.filters, fallback),
  });
  if (result.canceled || !result.filePath) return false;
  await writeFile(result.filePath, o.text, 'utf8');
  return true;
}
