// The Electron main process: the only file that imports `electron` and touches `process`. It wires
// the real modules into startDesktopApp(); everything else takes them as parameters.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJsonLogger } from '@outpost/edge-runtime';
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { startDesktopApp } from './main/desktop-app';

// dist/main.js sits beside dist/preload.cjs, and two levels below the folder holding renderer/dist
// (the repository in development, app.asar when packaged).
const here = path.dirname(fileURLToPath(import.meta.url));

// The same data folder whether packaged (productName Outpost) or run as `electron electron/dist/main.js`.
app.setPath('userData', path.join(app.getPath('appData'), 'Outpost'));

startDesktopApp({
  electron: {
    app,
    ipcMain,
    shell,
    createWindow: (options) => new BrowserWindow(options),
    defaultSession: () => session.defaultSession,
    // Every window the app has is a BrowserWindow made by createWindow above.
    dialog: {
      showOpenDialog: (window, options) =>
        window ? dialog.showOpenDialog(window as BrowserWindow, options) : dialog.showOpenDialog(options),
      showSaveDialog: (window, options) => dialog.showSaveDialog(window as BrowserWindow, options),
      showMessageBox: (options) => dialog.showMessageBox(options),
      showErrorBox: (title, content) => dialog.showErrorBox(title, content),
    },
  },
  env: process.env,
  platform: process.platform,
  arch: process.arch,
  electronVersion: process.versions.electron ?? 'unknown',
  preloadPath: path.join(here, 'preload.cjs'),
  uiDir: process.env.OUTPOST_UI_DIR || path.resolve(here, '../../renderer/dist'),
  logger: createJsonLogger(process.env.OUTPOST_LOG_LEVEL === 'debug' ? 'debug' : 'info'),
});

// Ctrl-C in the terminal that ran `electron`: quit through before-quit, so the hub closes cleanly.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
