import { type AppInfo, DESKTOP_CHANNELS, type EmbeddedSession } from '../desktop-api';
import { originOf } from './create-window';
import type { BrowserWindowPort, DialogPort, IpcInvokeEventPort, IpcMainPort } from './electron-ports';
import { openTextFile, saveTextFile } from './file-dialogs';

/** The windows the app opened, by the id of their web contents. */
export interface WindowRegistry {
  get(webContentsId: number): BrowserWindowPort | undefined;
}

/** Why a sender is refused, or undefined when it is the top frame of one of our windows on the hub. */
export function senderProblem(
  event: IpcInvokeEventPort,
  hubOrigin: string,
  windows: WindowRegistry,
): string | undefined {
  if (!windows.get(event.sender.id)) return 'the sender is not an Outpost window';
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (frame.parent !== null) return 'the sender is a subframe';
  if (originOf(frame.url) !== hubOrigin) return `the sender's origin is not the hub's (${hubOrigin})`;
  return undefined;
}

/**
 * Hands the embedded hub's sign-in token to each page load once: the first call after a (re)load
 * gets a fresh single-use token, later calls get null. A reload, or a logout followed by a reload,
 * signs the window in again; nothing can collect tokens by calling in a loop.
 */
export interface SessionHandout {
  take(webContentsId: number): EmbeddedSession | null;
  /** Called when the window (re)loads its page. */
  pageLoaded(webContentsId: number): void;
}

/** A handout over `issue` (the embedded hub's), or one that never hands anything out (remote mode). */
export function createSessionHandout(issue?: () => EmbeddedSession): SessionHandout {
  const handedOut = new Set<number>();
  return {
    take(id) {
      if (!issue || handedOut.has(id)) return null;
      handedOut.add(id);
      return issue();
    },
    pageLoaded: (id) => handedOut.delete(id),
  };
}

/** What the handlers answer with. */
export interface IpcContext {
  ipcMain: IpcMainPort;
  dialog: DialogPort;
  windows: WindowRegistry;
  /** The origin of the hub the windows are on: the only one allowed to call. */
  hubOrigin: string;
  appInfo: () => AppInfo;
  sessions: SessionHandout;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * Registers one `ipcMain.handle` per desktop API call. Each checks its sender first: the top frame
 * of one of our windows, showing a page of the hub's origin. Anything else is refused with an
 * error and nothing is done.
 */
export function registerIpcHandlers(ctx: IpcContext): void {
  const guarded = (
    channel: string,
    handler: (window: BrowserWindowPort, senderId: number, arg: unknown) => unknown,
  ) => {
    ctx.ipcMain.handle(channel, async (event, arg) => {
      const problem = senderProblem(event, ctx.hubOrigin, ctx.windows);
      const window = ctx.windows.get(event.sender.id);
      if (problem || !window) {
        ctx.log?.('IPC call refused', { channel, reason: problem, url: event.senderFrame?.url });
        throw new Error(`${channel} refused: ${problem}.`);
      }
      return handler(window, event.sender.id, arg);
    });
  };
  guarded(DESKTOP_CHANNELS.appInfo, () => ctx.appInfo());
  guarded(DESKTOP_CHANNELS.embeddedSession, (_w, id) => ctx.sessions.take(id));
  guarded(DESKTOP_CHANNELS.openFile, (w, _id, options) => openTextFile(ctx.dialog, w, options));
  guarded(DESKTOP_CHANNELS.saveFile, (w, _id, options) => saveTextFile(ctx.dialog, w, options));
}
