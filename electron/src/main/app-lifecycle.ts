import type { AppPort } from './electron-ports';

/**
 * Makes this the only running instance: a second launch quits at once and focuses the first
 * one's window instead (two instances would fight over the embedded hub's data folder and ports).
 * Returns false in the instance that must quit.
 */
export function claimSingleInstance(app: AppPort, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', focusExisting);
  return true;
}

/** How long a quit waits for the embedded hub to close before the app exits anyway (failed). */
export const QUIT_DEADLINE_MS = 10_000;

/** `closing`, or a rejection once `deadlineMs` passed without it settling. */
export function closeWithin(closing: Promise<void>, deadlineMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the embedded hub did not close within ${deadlineMs / 1000} s`)),
      deadlineMs,
    );
  });
  return Promise.race([closing, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Holds the quit until `close` (the embedded hub's) has finished, so the store is flushed and
 * closed before the process ends; then exits: 0 when it closed, 1 when it failed or did not finish
 * within `deadlineMs` (a hung close must not keep the app from quitting). A second quit request
 * while closing just waits.
 *
 * `close` answers undefined when nothing needs closing (no hub started yet, or remote mode): the
 * quit then goes ahead as usual. Register this before the hub starts, so a quit during start-up
 * is held too; `close` decides then whether to wait for the start to settle.
 */
export function closeBeforeQuit(
  app: AppPort,
  close: () => Promise<void> | undefined,
  log: (message: string, fields: Record<string, unknown>) => void = () => {},
  deadlineMs: number = QUIT_DEADLINE_MS,
): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    if (state === 'closing') {
      event.preventDefault();
      return;
    }
    let closing: Promise<void> | undefined;
    try {
      closing = close();
    } catch (err) {
      closing = Promise.reject(err);
    }
    if (!closing) return;
    event.preventDefault();
    state = 'closing';
    closeWithin(closing, deadlineMs)
      .then(
        () => 0,
        (err: unknown) => {
          log('closing the embedded hub failed', { error: err instanceof Error ? err.message : String(err) });
          return 1;
        },
      )
      .then((code) => {
        state = 'closed';
        app.exit(code);
      });
  });
}

/** Quits when the last window closes, except on macOS where apps stay in the dock. */
export function quitWhenWindowsClosed(app: AppPort, platform: string): void {
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
}
