/**
 * Hand-written fakes of the Electron main-process parts the shell uses (electron/src/main/
 * electron-ports.ts). They record what the shell did and let a test play Electron's part: emit
 * app and page events, invoke IPC channels as a given frame, answer dialogs.
 */
import type { BrowserWindowConstructorOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type {
  AppPort,
  BrowserWindowPort,
  CertificateVerifyRequestPort,
  DesktopElectron,
  DialogPort,
  HeadersReceivedDetailsPort,
  IpcInvokeEventPort,
  IpcMainPort,
  SessionPort,
  ShellPort,
  WebContentsPort,
  WebFramePort,
} from '../../electron/src/main/electron-ports';

type Listener = (...args: never[]) => unknown;

/** A tiny event emitter the fakes share: listeners by event name, `once` included. */
class Emitter {
  private readonly listeners = new Map<string, { fn: Listener; once: boolean }[]>();

  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: false }]);
    return this;
  }

  once(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: true }]);
    return this;
  }

  /** Calls every listener of `event` with `args`. */
  emit(event: string, ...args: unknown[]): void {
    const list = this.listeners.get(event) ?? [];
    this.listeners.set(
      event,
      list.filter((l) => !l.once),
    );
    for (const l of list) (l.fn as (...a: unknown[]) => unknown)(...args);
  }

  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** A cancellable event as Electron passes it. */
export interface FakeEvent {
  url: string;
  prevented: boolean;
  preventDefault(): void;
}

/** Makes a cancellable event. */
export function fakeEvent(url = ''): FakeEvent {
  return {
    url,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

let nextWebContentsId = 1;

/** A page: navigation events, the window-open handler, and its frames. */
export class FakeWebContents extends Emitter implements WebContentsPort {
  readonly id = nextWebContentsId++;
  windowOpenHandler?: (details: { url: string }) => { action: 'deny' };
  /** The top frame, showing `url`. */
  readonly mainFrame: { url: string; parent: WebFramePort | null } = { url: '', parent: null };

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  /** Plays a link click or `location.href = url`; true when the shell cancelled it. */
  navigate(url: string, event: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    const e = fakeEvent(url);
    this.emit(event, e);
    return e.prevented;
  }

  /** An IPC event from this page's top frame (or the frame given). */
  ipcEvent(frame: WebFramePort | null = this.mainFrame): IpcInvokeEventPort {
    return { sender: { id: this.id }, senderFrame: frame };
  }
}

/** A window: its options, the URL it loaded, whether it is shown. */
export class FakeBrowserWindow extends Emitter implements BrowserWindowPort {
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  shown = false;
  focused = 0;
  minimized = false;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
  }

  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
  }

  show(): void {
    this.shown = true;
  }

  focus(): void {
    this.focused += 1;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  restore(): void {
    this.minimized = false;
  }
}

/** The app: a configurable single-instance lock, a ready promise, and recorded quits and exits. */
export class FakeApp extends Emitter implements AppPort {
  hasLock = true;
  quits = 0;
  readonly exits: number[] = [];
  private readonly exited: Promise<number>;
  private resolveExit!: (code: number) => void;

  constructor(private readonly userDataDir: string) {
    super();
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  getPath(_name: 'userData'): string {
    return this.userDataDir;
  }

  getVersion(): string {
    return '0.1.0-test';
  }

  quit(): void {
    this.quits += 1;
  }

  exit(exitCode = 0): void {
    this.exits.push(exitCode);
    this.resolveExit(exitCode);
  }

  /** Resolves with the code of the first `app.exit()`. */
  whenExited(): Promise<number> {
    return this.exited;
  }

  /** Plays a quit request (Cmd-Q, last window closed): emits before-quit; true when it was held. */
  requestQuit(): boolean {
    const e = fakeEvent();
    this.emit('before-quit', e);
    return e.prevented;
  }
}

/** IPC handlers by channel; `invoke` calls one as Electron would for a renderer. */
export class FakeIpcMain implements IpcMainPort {
  readonly handlers = new Map<string, (event: IpcInvokeEventPort, ...args: unknown[]) => unknown>();

  handle(channel: string, listener: (event: IpcInvokeEventPort, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }

  async invoke(channel: string, event: IpcInvokeEventPort, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

/** The session: the verify proc, the headers listener and the permission handler it was given. */
export class FakeSession implements SessionPort {
  verifyProc?: (request: CertificateVerifyRequestPort, callback: (result: number) => void) => void;
  headersListener?: (
    details: HeadersReceivedDetailsPort,
    callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
  ) => void;
  permissionHandler?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
  permissionCheck?: (contents: unknown, permission: string) => boolean;
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>) => {
      this.headersListener = listener;
    },
  };

  setCertificateVerifyProc(proc: NonNullable<FakeSession['verifyProc']>): void {
    this.verifyProc = proc;
  }

  setPermissionRequestHandler(handler: NonNullable<FakeSession['permissionHandler']>): void {
    this.permissionHandler = handler;
  }

  setPermissionCheckHandler(handler: NonNullable<FakeSession['permissionCheck']>): void {
    this.permissionCheck = handler;
  }

  /** Runs the verify proc on a request and returns its answer. */
  verify(request: CertificateVerifyRequestPort): number {
    if (!this.verifyProc) throw new Error('no verify proc installed');
    let answer: number | undefined;
    this.verifyProc(request, (result) => {
      answer = result;
    });
    if (answer === undefined) throw new Error('the verify proc did not answer');
    return answer;
  }

  /** Runs the headers listener on a response and returns the headers it let through. */
  headers(url: string, responseHeaders: Record<string, string[]> = {}): Record<string, string | string[]> {
    if (!this.headersListener) throw new Error('no headers listener installed');
    let out: Record<string, string | string[]> | undefined;
    this.headersListener({ url, responseHeaders }, (response) => {
      out = response.responseHeaders;
    });
    return out ?? {};
  }
}

/** Dialogs answer from queues the test fills; what they were asked is recorded. */
export class FakeDialog implements DialogPort {
  readonly openAnswers: { canceled: boolean; filePaths: string[] }[] = [];
  readonly saveAnswers: { canceled: boolean; filePath?: string }[] = [];
  readonly messageAnswers: number[] = [];
  readonly openAsked: OpenDialogOptions[] = [];
  readonly saveAsked: SaveDialogOptions[] = [];
  readonly messagesShown: { message: string; detail?: string }[] = [];
  readonly errors: { title: string; content: string }[] = [];

  async showOpenDialog(
    _window: BrowserWindowPort | undefined,
    options: OpenDialogOptions,
  ): Promise<{ canceled: boolean; filePaths: string[] }> {
    this.openAsked.push(options);
    return this.openAnswers.shift() ?? { canceled: true, filePaths: [] };
  }

  async showSaveDialog(
    _window: BrowserWindowPort,
    options: SaveDialogOptions,
  ): Promise<{ canceled: boolean; filePath?: string }> {
    this.saveAsked.push(options);
    return this.saveAnswers.shift() ?? { canceled: true };
  }

  async showMessageBox(options: { message: string; detail?: string }): Promise<{ response: number }> {
    this.messagesShown.push({
      message: options.message,
      ...(options.detail ? { detail: options.detail } : {}),
    });
    return { response: this.messageAnswers.shift() ?? 1 };
  }

  showErrorBox(title: string, content: string): void {
    this.errors.push({ title, content });
  }
}

/** Records the URLs handed to the system browser. */
export class FakeShell implements ShellPort {
  readonly opened: string[] = [];

  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

/** A whole fake Electron, with handles on each part. */
export interface FakeElectron {
  electron: DesktopElectron;
  app: FakeApp;
  ipcMain: FakeIpcMain;
  dialog: FakeDialog;
  shell: FakeShell;
  session: FakeSession;
  windows: FakeBrowserWindow[];
}

/** Creates a fake Electron whose `userData` is `userDataDir`. */
export function createFakeElectron(userDataDir: string): FakeElectron {
  const app = new FakeApp(userDataDir);
  const ipcMain = new FakeIpcMain();
  const dialog = new FakeDialog();
  const shell = new FakeShell();
  const session = new FakeSession();
  const windows: FakeBrowserWindow[] = [];
  const electron: DesktopElectron = {
    app,
    ipcMain,
    dialog,
    shell,
    createWindow: (options) => {
      const window = new FakeBrowserWindow(options);
      windows.push(window);
      return window;
    },
    defaultSession: () => session,
  };
  return { electron, app, ipcMain, dialog, shell, session, windows };
}
