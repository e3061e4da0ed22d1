/**
 * What the preload exposes on `window.outpost`: only what a browser cannot do (architecture.md,
 * "One core, two hosts"). Everything else the renderer does over HTTP against the hub URL, in the
 * desktop app and in a browser alike. Shared by the preload (which calls) and the main process
 * (which answers); the renderer keeps a copy of this interface (renderer/src/app/desktop-bridge.ts)
 * because it may import nothing from this package.
 */
export interface DesktopApi {
  /** The app's version, platform and mode, and the hub URL the window was opened on. */
  appInfo(): Promise<AppInfo>;
  /**
   * Embedded mode: the hub URL and a single-use sign-in token (60 s) for `POST /api/v1/login`
   * `{"oneTimeToken": …}`. Handed out once per page load; null on later calls and in remote mode.
   */
  embeddedSession(): Promise<EmbeddedSession | null>;
  /** An open-file dialog (CSV and JSON by default); the chosen file's name and UTF-8 text, or null when cancelled. */
  openFile(options?: OpenFileOptions): Promise<OpenedFile | null>;
  /** A save-file dialog that writes `text` (UTF-8) to the chosen file; false when cancelled. */
  saveFile(options: SaveFileOptions): Promise<boolean>;
}

/** How the desktop app reaches its hub. */
export type DesktopMode = 'embedded' | 'remote';

/** Facts about the running desktop app. */
export interface AppInfo {
  name: string;
  version: string;
  /** `process.platform` of the main process: `linux`, `win32`, `darwin`. */
  platform: string;
  arch: string;
  mode: DesktopMode;
  /** The hub the window is on, ending in `/`. */
  hubUrl: string;
  /** The Electron version. */
  electron: string;
}

/** A ticket to sign in to the embedded hub as its first admin. */
export interface EmbeddedSession {
  hubUrl: string;
  oneTimeToken: string;
  /** ISO-8601 UTC. */
  expiresAt: string;
}

/** A file type offered in a dialog, as Electron takes it: extensions without the dot. */
export interface FileFilter {
  name: string;
  extensions: string[];
}

/** Options of {@link DesktopApi.openFile}. */
export interface OpenFileOptions {
  title?: string;
  /** Default: CSV and JSON files. */
  filters?: FileFilter[];
}

/** A file the user picked: its base name (never the full path) and its text. */
export interface OpenedFile {
  name: string;
  text: string;
  /** Size in bytes on disk. */
  bytes: number;
}

/** Options of {@link DesktopApi.saveFile}. */
export interface SaveFileOptions {
  /** The name suggested in the dialog, e.g. `devices.csv`. */
  defaultName: string;
  text: string;
  title?: string;
  filters?: FileFilter[];
}

/** The IPC channels behind each call; nothing else is registered. */
export const DESKTOP_CHANNELS = {
  appInfo: 'outpost:app-info',
  embeddedSession: 'outpost:embedded-session',
  openFile: 'outpost:open-file',
  saveFile: 'outpost:save-file',
} as const satisfies Record<keyof DesktopApi, string>;

/** The global name the preload exposes the API under: `window.outpost`. */
export const DESKTOP_API_KEY = 'outpost';
