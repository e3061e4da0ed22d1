import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_API_KEY, DESKTOP_CHANNELS, type EmbeddedSession } from '../../electron/src/desktop-api';
import { createSessionHandout, registerIpcHandlers } from '../../electron/src/main/ipc';
import { type createDesktopApi, exposeDesktopApi } from '../../electron/src/preload/expose-api';
import { FakeBrowserWindow, FakeDialog, FakeIpcMain, type FakeWebContents } from './fake-electron';
import { tempUserData } from './helpers';

const HUB_ORIGIN = 'https://127.0.0.1:8443';

let counter = 0;
function setUp() {
  const ipcMain = new FakeIpcMain();
  const dialog = new FakeDialog();
  const window = new FakeBrowserWindow({});
  window.webContents.mainFrame.url = `${HUB_ORIGIN}/#/fleet`;
  const windows = new Map([[window.webContents.id, window]]);
  const sessions = createSessionHandout(
    (): EmbeddedSession => ({
      hubUrl: `${HUB_ORIGIN}/`,
      oneTimeToken: `ott_test${++counter}`,
      expiresAt: '2026-01-01T00:01:00.000Z',
    }),
  );
  registerIpcHandlers({
    ipcMain,
    dialog,
    windows,
    hubOrigin: HUB_ORIGIN,
    sessions,
    appInfo: () => ({
      name: 'Outpost',
      version: '0.1.0',
      platform: 'linux',
      arch: 'x64',
      mode: 'embedded',
      hubUrl: `${HUB_ORIGIN}/`,
      electron: '45.6.0',
    }),
  });
  const call = (channel: string, contents: FakeWebContents = window.webContents, ...args: unknown[]) =>
    ipcMain.invoke(channel, contents.ipcEvent(), ...args);
  return { ipcMain, dialog, window, sessions, call };
}

let files: Awaited<ReturnType<typeof tempUserData>>;
beforeAll(async () => {
  files = await tempUserData();
});
afterAll(() => files.remove());

describe('IPC sender check', () => {
  it('registers exactly the desktop API channels', () => {
    const { ipcMain } = setUp();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(DESKTOP_CHANNELS).sort());
  });

  it('answers the top frame of our window on the hub origin', async () => {
    const { call } = setUp();
    expect(await call(DESKTOP_CHANNELS.appInfo)).toMatchObject({
      mode: 'embedded',
      hubUrl: `${HUB_ORIGIN}/`,
    });
  });

  it('refuses a page of another origin in our window, on every channel', async () => {
    const { call, window } = setUp();
    for (const url of [
      'https://evil.example/',
      'https://127.0.0.1:9443/',
      'http://127.0.0.1:8443/',
      'file:///tmp/x.html',
    ]) {
      window.webContents.mainFrame.url = url;
      for (const channel of Object.values(DESKTOP_CHANNELS)) {
        await expect(call(channel, window.webContents, {}), `${channel} from ${url}`).rejects.toThrow(
          /refused: the sender's origin is not the hub's/,
        );
      }
    }
  });

  it('refuses web contents that are not one of our windows, even on the hub origin', async () => {
    const { call } = setUp();
    const stranger = new FakeBrowserWindow({});
    stranger.webContents.mainFrame.url = `${HUB_ORIGIN}/`;
    await expect(call(DESKTOP_CHANNELS.embeddedSession, stranger.webContents)).rejects.toThrow(
      /refused: the sender is not an Outpost window/,
    );
  });

  it('refuses subframes and frames that are gone', async () => {
    const { ipcMain, window } = setUp();
    const sub = { url: `${HUB_ORIGIN}/`, parent: window.webContents.mainFrame };
    await expect(ipcMain.invoke(DESKTOP_CHANNELS.appInfo, window.webContents.ipcEvent(sub))).rejects.toThrow(
      /subframe/,
    );
    await expect(ipcMain.invoke(DESKTOP_CHANNELS.appInfo, window.webContents.ipcEvent(null))).rejects.toThrow(
      /frame is gone/,
    );
  });

  it('does not show a dialog or hand out a token for a refused sender', async () => {
    const { call, dialog, window } = setUp();
    window.webContents.mainFrame.url = 'https://evil.example/';
    await expect(call(DESKTOP_CHANNELS.openFile)).rejects.toThrow(/refused/);
    await expect(call(DESKTOP_CHANNELS.embeddedSession)).rejects.toThrow(/refused/);
    expect(dialog.openAsked).toEqual([]);
    window.webContents.mainFrame.url = `${HUB_ORIGIN}/`;
    expect(await call(DESKTOP_CHANNELS.embeddedSession)).toMatchObject({ oneTimeToken: 'ott_test1' });
  });
});

describe('embedded session handout', () => {
  it('gives each page load one fresh token, null after that', async () => {
    const { call, sessions, window } = setUp();
    const first = (await call(DESKTOP_CHANNELS.embeddedSession)) as EmbeddedSession;
    expect(first.hubUrl).toBe(`${HUB_ORIGIN}/`);
    expect(await call(DESKTOP_CHANNELS.embeddedSession)).toBeNull();
    sessions.pageLoaded(window.webContents.id);
    const second = (await call(DESKTOP_CHANNELS.embeddedSession)) as EmbeddedSession;
    expect(second.oneTimeToken).not.toBe(first.oneTimeToken);
  });

  it('hands out nothing in remote mode', () => {
    expect(createSessionHandout().take(1)).toBeNull();
  });
});

describe('file dialogs', () => {
  it('open: the chosen file name and its UTF-8 text (a BOM dropped); CSV and JSON offered by default', async () => {
    const { call, dialog } = setUp();
    const file = path.join(files.dir, 'devices.csv');
    await writeFile(file, '\uFEFFdeviceId,site\nd-1,porto\n');
    dialog.openAnswers.push({ canceled: false, filePaths: [file] });
    expect(await call(DESKTOP_CHANNELS.openFile, undefined, {})).toEqual({
      name: 'devices.csv',
      text: 'deviceId,site\nd-1,porto\n',
      bytes: 27,
    });
    expect(dialog.openAsked[0]?.properties).toEqual(['openFile']);
    expect(dialog.openAsked[0]?.filters?.[0]?.extensions).toEqual(['csv', 'json', 'ndjson']);
    expect(await call(DESKTOP_CHANNELS.openFile, undefined, {})).toBeNull();
  });

  it('open: refuses binary files and malformed filters', async () => {
    const { call, dialog } = setUp();
    const file = path.join(files.dir, 'blob.json');
    await writeFile(file, Buffer.from([0xff, 0xfe, 0x00, 0xc3]));
    dialog.openAnswers.push({ canceled: false, filePaths: [file] });
    await expect(call(DESKTOP_CHANNELS.openFile, undefined, {})).rejects.toThrow(/not UTF-8 text/);
    await expect(
      call(DESKTOP_CHANNELS.openFile, undefined, { filters: [{ name: 'x', extensions: ['../x'] }] }),
    ).rejects.toThrow(/extensions/);
  });

  it('save: writes the text where the user chose, suggesting only a base name', async () => {
    const { call, dialog } = setUp();
    const file = path.join(files.dir, 'export.csv');
    dialog.saveAnswers.push({ canceled: false, filePath: file });
    expect(
      await call(DESKTOP_CHANNELS.saveFile, undefined, { defaultName: '../../x/export.csv', text: 'a,b\n' }),
    ).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('a,b\n');
    expect(dialog.saveAsked[0]?.defaultPath).toBe('export.csv');
    expect(await call(DESKTOP_CHANNELS.saveFile, undefined, { defaultName: 'x.csv', text: '' })).toBe(false);
    await expect(call(DESKTOP_CHANNELS.saveFile, undefined, { defaultName: 'x.csv' })).rejects.toThrow(
      /text/,
    );
  });
});

describe('preload', () => {
  it('exposes window.outpost with the four calls and nothing else, each on its channel', async () => {
    const exposed: { key: string; api: unknown }[] = [];
    const invoked: unknown[][] = [];
    exposeDesktopApi(
      { exposeInMainWorld: (key, api) => exposed.push({ key, api }) },
      {
        invoke: async (...args) => {
          invoked.push(args);
          return null;
        },
      },
    );
    expect(exposed.map((e) => e.key)).toEqual([DESKTOP_API_KEY]);
    const api = exposed[0]?.api as ReturnType<typeof createDesktopApi>;
    expect(Object.keys(api).sort()).toEqual(['appInfo', 'embeddedSession', 'openFile', 'saveFile']);
    expect(Object.values(api).every((f) => typeof f === 'function')).toBe(true);
    await api.appInfo();
    await api.embeddedSession();
    await api.openFile();
    await api.saveFile({ defaultName: 'a.csv', text: 'x' });
    expect(invoked).toEqual([
      [DESKTOP_CHANNELS.appInfo],
      [DESKTOP_CHANNELS.embeddedSession],
      [DESKTOP_CHANNELS.openFile, {}],
      [DESKTOP_CHANNELS.saveFile, { defaultName: 'a.csv', text: 'x' }],
    ]);
  });
});
