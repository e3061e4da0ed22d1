import type { Logger } from '@outpost/core';
import type { AppInfo, DesktopMode } from '../desktop-api';
import {
  claimSingleInstance,
  closeBeforeQuit,
  closeWithin,
  QUIT_DEADLINE_MS,
  quitWhenWindowsClosed,
} from './app-lifecycle';
import { installCertificateTrust, type PinnedHub } from './certificate-trust';
import { createHubWindow, lockDownSession, originOf } from './create-window';
import type { BrowserWindowPort, DesktopElectron } from './electron-ports';
import {
  type EmbeddedHub,
  type EmbeddedHubOptions,
  type HubPorts,
  portsFromEnv,
  startEmbeddedHub,
} from './embedded-hub';
import { createSessionHandout, registerIpcHandlers, type SessionHandout } from './ipc';
import { connectRemoteHub, hostOf } from './remote-hub';
import { chooseMode, readSettings } from './settings';

/** What the desktop app is started with; main.ts passes the real Electron and process facts. */
export interface DesktopAppOptions {
  electron: DesktopElectron;
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
  arch: string;
  electronVersion: string;
  /** The bundled preload (dist/preload.cjs). */
  preloadPath: string;
  /** The operator UI's files the embedded hub serves (default: the runtime's). */
  uiDir?: string | false;
  logger: Logger;
  /** Ports the embedded hub tries (default: OUTPOST_HTTPS_PORT/OUTPOST_MQTTS_PORT, else 8443/8883 then any free ones). */
  embeddedPorts?: readonly HubPorts[];
  /** How long remote mode waits for the gateway's TLS handshake (default 10 s). */
  remoteTimeoutMs?: number;
  /** How long a quit waits for the embedded hub to close before exiting with 1 (default 10 s). */
  quitDeadlineMs?: number;
  /** Starts the embedded hub (default {@link startEmbeddedHub}; tests wrap it). */
  startEmbeddedHub?: (options: EmbeddedHubOptions) => Promise<EmbeddedHub>;
}

/** The hub the windows are on. */
interface OpenHub {
  mode: DesktopMode;
  hubUrl: string;
  pinned: PinnedHub;
  embedded?: EmbeddedHub;
  sessions: SessionHandout;
}

/** A started desktop app: when it is ready, and what it is showing (for tests and diagnostics). */
export interface DesktopApp {
  /** Settles once the hub is up and a window is open, or the app has given up and is quitting. */
  ready: Promise<void>;
  /** The hub the app is on, once ready. */
  hub(): { mode: DesktopMode; hubUrl: string; embedded?: EmbeddedHub } | undefined;
  /** The open windows. */
  windows(): BrowserWindowPort[];
}

/**
 * The main process, as a list of setup steps: one instance only; once Electron is ready, the hub
 * (embedded: the runtime in this process; remote: a gateway checked against its pinned CA), the
 * session's certificate pin, CSP and permissions, the IPC handlers, and the window. Undefined in
 * a second instance, which quits.
 */
export function startDesktopApp(options: DesktopAppOptions): DesktopApp | undefined {
  const { app, dialog, ipcMain, shell, createWindow } = options.electron;
  const { logger } = options;
  const info = (message: string, fields: Record<string, unknown>) => logger.info(message, fields);
  const warn = (message: string, fields: Record<string, unknown>) => logger.warn(message, fields);
  const windows = new Map<number, BrowserWindowPort>();
  const quitDeadlineMs = options.quitDeadlineMs ?? QUIT_DEADLINE_MS;
  let hub: OpenHub | undefined;
  // The embedded hub's start, once begun: closing waits for it to settle, then closes what started.
  let hubStart: Promise<EmbeddedHub> | undefined;
  let quitRequested = false;
  const closeHub = (): Promise<void> | undefined => hubStart?.then((embedded) => embedded.close());

  const openWindow = (): void => {
    if (!hub) return;
    const { sessions } = hub;
    const window = createHubWindow({
      createWindow,
      shell,
      hubUrl: hub.hubUrl,
      preloadPath: options.preloadPath,
      log: warn,
    });
    const id = window.webContents.id;
    windows.set(id, window);
    window.webContents.on('did-navigate', () => sessions.pageLoaded(id));
    window.on('closed', () => {
      windows.delete(id);
      sessions.pageLoaded(id);
    });
  };
  const focusOrOpen = (): void => {
    const [existing] = windows.values();
    if (!existing) {
      openWindow();
      return;
    }
    if (existing.isMinimized()) existing.restore();
    existing.focus();
  };

  if (!claimSingleInstance(app, focusOrOpen)) return undefined;
  quitWhenWindowsClosed(app, options.platform);
  // Before anything starts: a quit during start-up must still close the hub (or keep it from starting).
  closeBeforeQuit(
    app,
    () => {
      quitRequested = true;
      return closeHub();
    },
    warn,
    quitDeadlineMs,
  );
  app.on('activate', () => {
    if (windows.size === 0) openWindow();
  });

  const openHub = async (): Promise<OpenHub | undefined> => {
    const userDataDir = app.getPath('userData');
    const settings = await readSettings(userDataDir, warn);
    const choice = await chooseMode(options.env, settings);
    if (choice.mode === 'remote') {
      const remote = await connectRemoteHub({
        choice,
        settings,
        userDataDir,
        dialog,
        ...(options.remoteTimeoutMs === undefined ? {} : { timeoutMs: options.remoteTimeoutMs }),
      });
      if (!remote) return undefined;
      const pinned = { hostname: remote.hostname, caPem: remote.caPem };
      return { mode: 'remote', hubUrl: remote.hubUrl, pinned, sessions: createSessionHandout() };
    }
    const ports = options.embeddedPorts ?? portsFromEnv(options.env);
    // Quitting before the start began: the quit went ahead, so nothing is started to be left open.
    if (quitRequested) return undefined;
    hubStart = (options.startEmbeddedHub ?? startEmbeddedHub)({
      userDataDir,
      logger,
      ...(options.uiDir === undefined ? {} : { uiDir: options.uiDir }),
      ...(ports ? { ports } : {}),
    });
    const embedded = await hubStart;
    return {
      mode: 'embedded',
      hubUrl: embedded.hubUrl,
      pinned: { hostname: hostOf(new URL(embedded.hubUrl)), caPem: embedded.caPem },
      embedded,
      sessions: createSessionHandout(() => embedded.issueSession()),
    };
  };

  const setUp = async (): Promise<void> => {
    hub = await openHub();
    if (quitRequested) {
      // The quit handler closes the hub (if one started); no window for an app on its way out.
      info('quit during start-up', {});
      return;
    }
    if (!hub) {
      info('no hub chosen, quitting', {});
      app.quit();
      return;
    }
    const { mode, hubUrl, sessions } = hub;
    const session = options.electron.defaultSession();
    installCertificateTrust(app, session, hub.pinned, warn);
    lockDownSession(session);
    const appInfo = (): AppInfo => ({
      name: 'Outpost',
      version: app.getVersion(),
      platform: options.platform,
      arch: options.arch,
      mode,
      hubUrl,
      electron: options.electronVersion,
    });
    registerIpcHandlers({
      ipcMain,
      dialog,
      windows,
      hubOrigin: originOf(hubUrl) ?? hubUrl,
      appInfo,
      sessions,
      log: warn,
    });
    openWindow();
    info('desktop app ready', { mode, hubUrl });
  };

  const ready = app
    .whenReady()
    .then(setUp)
    .catch(async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      logger.error('the desktop app could not start', { error: message });
      const closing = closeHub();
      if (closing) await closeWithin(closing, quitDeadlineMs).catch(() => {});
      dialog.showErrorBox('Outpost cannot start', message);
      app.exit(1);
    });

  return {
    ready,
    hub: () =>
      hub && { mode: hub.mode, hubUrl: hub.hubUrl, ...(hub.embedded ? { embedded: hub.embedded } : {}) },
    windows: () => [...windows.values()],
  };
}
