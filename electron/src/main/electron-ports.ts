/**
 * The parts of Electron's main-process API the shell uses, as small structural interfaces. The
 * real `electron` module satisfies them (main.ts passes it; the compiler checks), and tests pass
 * hand-written fakes that record calls. Only what is used is listed, so a fake stays small.
 */
import type { BrowserWindowConstructorOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';

/** A frame of a page: where it is and whether it is the top one. */
export interface WebFramePort {
  readonly url: string;
  readonly parent: WebFramePort | null;
}

/** A navigation the window is about to make; `preventDefault()` cancels it. */
export interface NavigationEventPort {
  readonly url: string;
  preventDefault(): void;
}

/** An event whose default action can be cancelled. */
export interface CancellableEventPort {
  preventDefault(): void;
}

/** The page side of a window. */
export interface WebContentsPort {
  readonly id: number;
  on(event: 'will-navigate', listener: (event: NavigationEventPort) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEventPort) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: CancellableEventPort) => void): unknown;
  on(event: 'did-navigate', listener: () => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** A top-level window. */
export interface BrowserWindowPort {
  readonly webContents: WebContentsPort;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
}

/** Creates a window; main.ts passes `(options) => new BrowserWindow(options)`. */
export type CreateWindow = (options: BrowserWindowConstructorOptions) => BrowserWindowPort;

/** One certificate of a chain as Electron shows it: PEM, and the certificate that issued it. */
export interface CertificatePort {
  data: string;
  issuerCert?: CertificatePort;
}

/** What the certificate verify proc is asked about. */
export interface CertificateVerifyRequestPort {
  hostname: string;
  certificate: CertificatePort;
  verificationResult: string;
}

/** Response headers as `webRequest.onHeadersReceived` sees them. */
export interface HeadersReceivedDetailsPort {
  url: string;
  responseHeaders?: Record<string, string[]>;
}

/** The browser session the windows use: certificate checks, response headers and permissions. */
export interface SessionPort {
  setCertificateVerifyProc(
    proc: (request: CertificateVerifyRequestPort, callback: (verificationResult: number) => void) => void,
  ): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: HeadersReceivedDetailsPort,
        callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
      ) => void,
    ): void;
  };
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/** The IPC event a handler receives: who sent it, from which frame. */
export interface IpcInvokeEventPort {
  readonly sender: { readonly id: number };
  readonly senderFrame: WebFramePort | null;
}

/** Request/response IPC of the main process. */
export interface IpcMainPort {
  handle(channel: string, listener: (event: IpcInvokeEventPort, ...args: unknown[]) => unknown): void;
}

/** Native dialogs, modal to a window of ours (or free-standing while there is none yet). */
export interface DialogPort {
  showOpenDialog(
    window: BrowserWindowPort | undefined,
    options: OpenDialogOptions,
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(
    window: BrowserWindowPort,
    options: SaveDialogOptions,
  ): Promise<{ canceled: boolean; filePath?: string }>;
  showMessageBox(options: {
    type?: 'none' | 'info' | 'error' | 'question' | 'warning';
    title?: string;
    message: string;
    detail?: string;
    buttons?: string[];
    defaultId?: number;
    cancelId?: number;
  }): Promise<{ response: number }>;
  showErrorBox(title: string, content: string): void;
}

/** Hands URLs to the desktop's default browser. */
export interface ShellPort {
  openExternal(url: string): Promise<void>;
}

/** The application: paths, version, lifecycle events. */
export interface AppPort {
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<unknown>;
  getPath(name: 'userData'): string;
  getVersion(): string;
  quit(): void;
  exit(exitCode?: number): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: CancellableEventPort) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(
    event: 'certificate-error',
    listener: (
      event: CancellableEventPort,
      webContents: unknown,
      url: string,
      error: string,
      certificate: unknown,
      callback: (isTrusted: boolean) => void,
    ) => void,
  ): unknown;
  on(
    event: 'select-client-certificate',
    listener: (
      event: CancellableEventPort,
      webContents: unknown,
      url: string,
      certificates: unknown[],
      callback: () => void,
    ) => void,
  ): unknown;
}

/** Everything the shell takes from Electron, injected as one object. */
export interface DesktopElectron {
  app: AppPort;
  ipcMain: IpcMainPort;
  dialog: DialogPort;
  shell: ShellPort;
  createWindow: CreateWindow;
  /** The default session; only valid once the app is ready, hence a function. */
  defaultSession(): SessionPort;
}
