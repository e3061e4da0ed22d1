/**
 * What the desktop app's preload exposes on `window.outpost` (electron/src/preload.ts); absent in
 * a browser. Only what a browser cannot do: file dialogs, app info, the embedded hub's session.
 */
export interface DesktopBridge {
  appInfo(): Promise<{ version: string; platform: string; mode: 'embedded' | 'remote' }>;
  /** The embedded hub's URL and a one-time sign-in token (handed out once). */
  embeddedSession(): Promise<{ hubUrl: string; oneTimeToken: string } | null>;
  openFile(options?: {
    filters?: { name: string; extensions: string[] }[];
  }): Promise<{ name: string; text: string } | null>;
  saveFile(options: { defaultName: string; text: string }): Promise<boolean>;
}

declare global {
  interface Window {
    outpost?: DesktopBridge;
  }
}

/** The desktop bridge when running in the Electron app, undefined in a browser. */
export function desktopBridge(): DesktopBridge | undefined {
  return typeof window !== 'undefined' ? window.outpost : undefined;
}
