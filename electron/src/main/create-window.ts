import { UI_CONTENT_SECURITY_POLICY } from '@outpost/edge-runtime';
import type { BrowserWindowConstructorOptions } from 'electron';
import type {
  BrowserWindowPort,
  CreateWindow,
  HeadersReceivedDetailsPort,
  SessionPort,
  ShellPort,
  WebContentsPort,
} from './electron-ports';

/**
 * The desktop app's content security policy, added to every response the windows receive: the one
 * every hub sends with the UI (its own scripts only, API and event stream on its own origin, no
 * plugins, no framing). Added beside whatever the server sends, so a hub of an older version that
 * sends none is held to it too; browsers enforce both.
 */
export const CONTENT_SECURITY_POLICY = UI_CONTENT_SECURITY_POLICY;

/** The origin (`scheme://host:port`) of a URL, or undefined when it is not a URL with one. */
export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** True for http and https URLs: the only ones handed to the system browser. */
export function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** The options of every Outpost window: a locked-down page that only its preload can reach out of. */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Outpost',
    // Shown on ready-to-show, so the window never flashes an empty frame.
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}

/**
 * Keeps a page on its hub: navigations and redirects to any other origin are cancelled, new
 * windows are refused (http(s) links open in the system browser instead), and webviews cannot
 * be attached.
 */
export function guardWebContents(
  contents: WebContentsPort,
  hubOrigin: string,
  shell: ShellPort,
  log: (message: string, fields: Record<string, unknown>) => void = () => {},
): void {
  const stayOnHub = (event: { url: string; preventDefault(): void }) => {
    if (originOf(event.url) === hubOrigin) return;
    event.preventDefault();
    log('navigation away from the hub refused', { url: event.url });
  };
  contents.on('will-navigate', stayOnHub);
  contents.on('will-redirect', stayOnHub);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isWebUrl(url)) {
      shell.openExternal(url).catch((err: unknown) => log('opening a link failed', { error: String(err) }));
    }
    return { action: 'deny' };
  });
}

/** The response headers with the desktop policy added to any the server sent. */
export function withContentSecurityPolicy(
  headers: Record<string, string[]> | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const policies: string[] = [];
  for (const [name, values] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') policies.push(...values);
    else out[name] = values;
  }
  out['Content-Security-Policy'] = [...policies, CONTENT_SECURITY_POLICY];
  return out;
}

/**
 * The only permission pages get: writing to the clipboard (copy buttons for connection strings and
 * ids). The operator UI needs no camera, location, notifications or the like.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Adds the desktop policy to every response of the session, and refuses every other permission. */
export function lockDownSession(session: SessionPort): void {
  session.webRequest.onHeadersReceived((details: HeadersReceivedDetailsPort, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(GRANTED_PERMISSIONS.has(permission)),
  );
  session.setPermissionCheckHandler((_contents, permission) => GRANTED_PERMISSIONS.has(permission));
}

/** What {@link createHubWindow} needs. */
export interface HubWindowOptions {
  createWindow: CreateWindow;
  shell: ShellPort;
  /** The page to open: the hub's URL, ending in `/`. */
  hubUrl: string;
  preloadPath: string;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/** Opens a locked-down window on the hub URL; it shows itself once the page is ready to paint. */
export function createHubWindow(options: HubWindowOptions): BrowserWindowPort {
  const hubOrigin = originOf(options.hubUrl);
  if (!hubOrigin) throw new Error(`The hub URL ${options.hubUrl} is not a valid URL.`);
  const window = options.createWindow(windowOptions(options.preloadPath));
  guardWebContents(window.webContents, hubOrigin, options.shell, options.log);
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.hubUrl).catch((err: unknown) => {
    // Shown anyway: Chromium's error page says what went wrong (e.g. a refused certificate).
    options.log?.('loading the hub page failed', { url: options.hubUrl, error: String(err) });
    window.show();
  });
  return window;
}
