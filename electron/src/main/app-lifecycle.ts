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

/**
 * Holds the quit until `close` (the embedded hub's) has finished, so the store is flushed and
 * closed before the process ends; then exits. A second quit request while closing just waits.
 */
export function closeBeforeQuit(
  app: AppPort,
  close: () => Promise<void>,
  log: (message: string, fields: Record<string, unknown>) => void = () => {},
): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    close()
      .catch((err: unknown) => log('closing the embedded hub failed', { error: String(err) }))
      .finally(() => {
        state = 'closed';
        app.exit(0);
      });
  });
}

/** Quits when the last window closes, except on macOS where apps stay in the dock. */
export function quitWhenWindowsClosed(app: AppPort, platform: string): void {
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
}
