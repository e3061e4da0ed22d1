/** A one-line progress bar for a terminal; silent when the stream is not a TTY (logs, pipes, CI). */

/** A progress bar on one stream. */
export interface ProgressBar {
  /** Redraws the line (at most every 100 ms, and always for the last step). */
  update(label: string, done: number, total: number, failed: number): void;
  /** Ends the line so later output starts on a fresh one. */
  finish(): void;
}

const WIDTH = 30;
const REDRAW_MS = 100;

/** Creates a bar on `stream`, normally process.stderr so stdout stays clean for the summary. */
export function createProgressBar(stream: NodeJS.WriteStream): ProgressBar {
  if (!stream.isTTY) return { update() {}, finish() {} };
  let lastDraw = 0;
  let drawn = false;
  return {
    update(label, done, total, failed) {
      const now = Date.now();
      if (done < total && now - lastDraw < REDRAW_MS) return;
      lastDraw = now;
      drawn = true;
      const ratio = total === 0 ? 1 : Math.min(1, done / total);
      const filled = Math.round(ratio * WIDTH);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
      const tail = failed > 0 ? `  ${failed} failed` : '';
      // \r plus erase-line: redraw in place without leaving the remains of a longer previous line.
      stream.write(`\r\x1b[2K${label} [${bar}] ${done}/${total} ${Math.floor(ratio * 100)}%${tail}`);
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
