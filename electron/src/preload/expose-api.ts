import { DESKTOP_API_KEY, DESKTOP_CHANNELS, type DesktopApi } from '../desktop-api';

/** The part of `ipcRenderer` the preload uses: request/response calls only, never `send`/`on`. */
export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}

/** The part of `contextBridge` the preload uses. */
export interface ContextBridgePort {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

/**
 * The API object for `window.outpost`: one function per channel, each passing plain data only.
 * Raw `ipcRenderer` never reaches the page, so it cannot call channels of its choosing.
 */
export function createDesktopApi(ipc: IpcRendererPort): DesktopApi {
  return {
    appInfo: () => ipc.invoke(DESKTOP_CHANNELS.appInfo) as ReturnType<DesktopApi['appInfo']>,
    embeddedSession: () =>
      ipc.invoke(DESKTOP_CHANNELS.embeddedSession) as ReturnType<DesktopApi['embeddedSession']>,
    openFile: (options) =>
      ipc.invoke(DESKTOP_CHANNELS.openFile, options ?? {}) as ReturnType<DesktopApi['openFile']>,
    saveFile: (options) =>
      ipc.invoke(DESKTOP_CHANNELS.saveFile, options) as ReturnType<DesktopApi['saveFile']>,
  };
}

/** Exposes the desktop API as `window.outpost` in the page's world (context isolation keeps it apart). */
export function exposeDesktopApi(bridge: ContextBridgePort, ipc: IpcRendererPort): void {
  bridge.exposeInMainWorld(DESKTOP_API_KEY, createDesktopApi(ipc));
}
