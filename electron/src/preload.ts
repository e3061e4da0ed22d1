// The preload of every Outpost window. It runs sandboxed, so it is bundled to one CommonJS file
// (dist/preload.cjs) that requires nothing but `electron`.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeDesktopApi } from './preload/expose-api';

exposeDesktopApi(contextBridge, ipcRenderer);
