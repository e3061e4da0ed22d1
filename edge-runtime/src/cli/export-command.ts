import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { resolveApiClient, withApiOptions } from './api-client';

const REDRAW_MS = 200;

/** Writes a chunk and waits for the stream to drain when its buffer is full. */
async function put(out: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** `outpost export`: every device with its twin, streamed as JSON or CSV. */
export function registerExportCommand(program: Command): void {
  withApiOptions(
    program
      .command('export')
      .description(
        'export every device (identity and twin) as JSON or CSV, streamed; it reads back with `outpost import`',
      )
      .option('--format <format>', 'json or csv', 'json')
      .option('--include-keys', 'include the SAS keys (needs the operator role)')
      .option('-o, --output <file>', 'write to this file (with progress on stderr) instead of stdout'),
  ).action(async (opts: Record<string, unknown>) => {
    const format = opts.format;
    if (format !== 'json' && format !== 'csv')
      throw new Error(`--format must be json or csv, not ${String(format)}.`);
    const client = await resolveApiClient(opts, process.env);
    const query = new URLSearchParams({ format, includeKeys: opts.includeKeys === true ? 'true' : 'false' });
    const res = await client.raw('GET', `/api/v1/exports?${query}`);
    const file = typeof opts.output === 'string' ? opts.output : undefined;
    if (!file) {
      for await (const chunk of res) await put(process.stdout, chunk as Buffer);
      return;
    }
    const out = createWriteStream(file);
    const failed = new Promise<never>((_, reject) =>
      out.on('error', (err) => reject(new Error(`Cannot write ${file}: ${err.message}`, { cause: err }))),
    );
    failed.catch(() => {});
    const stderr = process.stderr;
    let bytes = 0;
    let lines = 0;
    let lastDraw = 0;
    // A CSV export is a header line, then a device per line; a JSON one is `[`, a device per line
    // (each after its newline), then `\n]\n` at the end.
    let ended = false;
    const rows = () => Math.max(0, lines - (format === 'csv' ? 1 : ended ? 2 : 0));
    const progress = () => `${file}: ${rows()} devices, ${bytes} bytes`;
    const copy = (async () => {
      for await (const chunk of res) {
        const buf = chunk as Buffer;
        bytes += buf.length;
        for (const byte of buf) if (byte === 10) lines++;
        await put(out, buf);
        if (stderr.isTTY && Date.now() - lastDraw >= REDRAW_MS) {
          lastDraw = Date.now();
          stderr.write(`\r\x1b[2K${progress()}`);
        }
      }
      ended = true;
      out.end();
      await once(out, 'finish');
    })();
    await Promise.race([copy, failed]);
    stderr.write(`${stderr.isTTY ? '\r\x1b[2K' : ''}wrote ${progress()}\n`);
  });
}
