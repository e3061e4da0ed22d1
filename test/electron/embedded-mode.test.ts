import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { silentLogger } from '@outpost/core';
import { type EdgeRuntime, startEdgeRuntime } from '@outpost/edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS, type EmbeddedSession } from '../../electron/src/desktop-api';
import { VERIFY_ACCEPT, VERIFY_REFUSE, VERIFY_USE_CHROMIUM } from '../../electron/src/main/certificate-trust';
import { type DesktopApp, startDesktopApp } from '../../electron/src/main/desktop-app';
import { embeddedDataDir, startEmbeddedHub } from '../../electron/src/main/embedded-hub';
import { settingsPath } from '../../electron/src/main/settings';
import { httpsRequest } from '../helpers/https-client';
import { createFakeElectron, type FakeElectron } from './fake-electron';
import {
  isListening,
  portOf,
  presentedCertificate,
  readText,
  startFakeDesktop,
  tempUserData,
  unrelatedCa,
} from './helpers';

describe('embedded mode', () => {
  let userData: Awaited<ReturnType<typeof tempUserData>>;
  let fake: FakeElectron;
  let desktop: DesktopApp;
  let hubUrl: string;
  let caPem: string;

  beforeAll(async () => {
    userData = await tempUserData();
    ({ fake, desktop } = startFakeDesktop(userData.dir));
    await desktop.ready;
    const hub = desktop.hub();
    if (!hub?.embedded) throw new Error(`no embedded hub: ${JSON.stringify(fake.dialog.errors)}`);
    hubUrl = hub.hubUrl;
    caPem = hub.embedded.caPem;
  });
  afterAll(async () => {
    await desktop.hub()?.embedded?.close();
    await userData.remove();
  });

  const login = (body: unknown) =>
    httpsRequest({
      method: 'POST',
      url: `${hubUrl}api/v1/login`,
      ca: caPem,
      body,
      localAddress: '127.0.0.1',
    });

  it('runs the real runtime on loopback, with its data in <userData>/hub', async () => {
    expect(hubUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await isListening(portOf(hubUrl))).toBe(true);
    const dataDir = embeddedDataDir(userData.dir);
    expect(dataDir).toBe(path.join(userData.dir, 'hub'));
    expect(existsSync(path.join(dataDir, 'hub.json'))).toBe(true);
    expect(await readText(path.join(dataDir, 'tls', 'ca.pem'))).toBe(caPem);
    const health = await httpsRequest({ method: 'GET', url: `${hubUrl}health`, ca: caPem });
    expect(health.status).toBe(200);
  });

  it('opens one locked-down window on the hub URL', () => {
    expect(fake.windows).toHaveLength(1);
    const [window] = fake.windows;
    expect(window?.loaded).toEqual([hubUrl]);
    expect(window?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true });
    expect(window?.webContents.navigate('https://evil.example/')).toBe(true);
    expect(fake.session.headers(hubUrl)['Content-Security-Policy']).toBeDefined();
  });

  it('trusts the hub certificate by the hub CA only, for the hub host only', async () => {
    const presented = await presentedCertificate(hubUrl);
    const verify = (hostname: string, data: string) =>
      fake.session.verify({
        hostname,
        certificate: { data },
        verificationResult: 'net::ERR_CERT_AUTHORITY_INVALID',
      });
    expect(verify('127.0.0.1', presented)).toBe(VERIFY_ACCEPT);
    const other = await unrelatedCa();
    try {
      expect(verify('127.0.0.1', other.serverPem)).toBe(VERIFY_REFUSE);
    } finally {
      await other.remove();
    }
    expect(verify('example.com', presented)).toBe(VERIFY_USE_CHROMIUM);
  });

  it('hands the window a one-time token that signs in over HTTPS once, as admin', async () => {
    const [window] = fake.windows;
    if (!window) throw new Error('no window');
    const session = (await fake.ipcMain.invoke(
      DESKTOP_CHANNELS.embeddedSession,
      window.webContents.ipcEvent(),
    )) as EmbeddedSession;
    expect(session.hubUrl).toBe(hubUrl);
    expect(
      await fake.ipcMain.invoke(DESKTOP_CHANNELS.embeddedSession, window.webContents.ipcEvent()),
    ).toBeNull();

    const first = await login({ oneTimeToken: session.oneTimeToken });
    expect(first.status).toBe(200);
    expect((first.json as { user: unknown }).user).toEqual({ name: 'admin', role: 'admin' });
    const again = await login({ oneTimeToken: session.oneTimeToken });
    expect(again.status).toBe(401);

    // A reload of the page gets a new one.
    window.webContents.emit('did-navigate');
    const next = (await fake.ipcMain.invoke(
      DESKTOP_CHANNELS.embeddedSession,
      window.webContents.ipcEvent(),
    )) as EmbeddedSession;
    expect(next.oneTimeToken).not.toBe(session.oneTimeToken);
    expect((await login({ oneTimeToken: next.oneTimeToken })).status).toBe(200);
  });

  it('says what it is on app info', async () => {
    const [window] = fake.windows;
    if (!window) throw new Error('no window');
    expect(await fake.ipcMain.invoke(DESKTOP_CHANNELS.appInfo, window.webContents.ipcEvent())).toEqual({
      name: 'Outpost',
      version: '0.1.0-test',
      platform: 'linux',
      arch: 'x64',
      mode: 'embedded',
      hubUrl,
      electron: '45.6.0',
    });
  });

  it('focuses the existing window when a second instance starts', () => {
    const [window] = fake.windows;
    if (!window) throw new Error('no window');
    window.minimized = true;
    fake.app.emit('second-instance');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(1);
    expect(fake.windows).toHaveLength(1);
  });
});

describe('embedded mode on quit', () => {
  it('holds the quit until the hub is closed, then exits; the port is closed after', async () => {
    const userData = await tempUserData();
    try {
      const { fake, desktop } = startFakeDesktop(userData.dir);
      await desktop.ready;
      const hubUrl = desktop.hub()?.hubUrl ?? '';
      expect(await isListening(portOf(hubUrl))).toBe(true);

      expect(fake.app.requestQuit()).toBe(true);
      // A second request while closing is held too, and does not close twice.
      expect(fake.app.requestQuit()).toBe(true);
      expect(await fake.app.whenExited()).toBe(0);
      expect(fake.app.exits).toEqual([0]);
      expect(await isListening(portOf(hubUrl))).toBe(false);
      // Once closed, the quit goes through.
      expect(fake.app.requestQuit()).toBe(false);

      // The data survives: a restart finds the same hub.
      const again = startFakeDesktop(userData.dir);
      await again.desktop.ready;
      const restarted = again.desktop.hub()?.embedded;
      expect(restarted?.caPem).toBe(desktop.hub()?.embedded?.caPem);
      await restarted?.close();
    } finally {
      await userData.remove();
    }
  });
});

describe('single instance', () => {
  it('a second instance quits without starting a hub', async () => {
    const userData = await tempUserData();
    try {
      const fake = createFakeElectron(userData.dir);
      fake.app.hasLock = false;
      const desktop = startDesktopApp({
        electron: fake.electron,
        env: {},
        platform: 'linux',
        arch: 'x64',
        electronVersion: '45.6.0',
        preloadPath: '/x/preload.cjs',
        logger: silentLogger,
      });
      expect(desktop).toBeUndefined();
      expect(fake.app.quits).toBe(1);
      expect(fake.windows).toEqual([]);
      expect(existsSync(embeddedDataDir(userData.dir))).toBe(false);
    } finally {
      await userData.remove();
    }
  });
});

describe('embedded hub ports', () => {
  it('falls back to the next ports when the preferred ones are taken', async () => {
    const userData = await tempUserData();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const hub = await startEmbeddedHub({
        userDataDir: userData.dir,
        uiDir: false,
        logger: silentLogger,
        ports: [
          { https: busy, mqtts: 0 },
          { https: 0, mqtts: 0 },
        ],
      });
      expect(portOf(hub.hubUrl)).not.toBe(busy);
      await hub.close();
    } finally {
      blocker.close();
      await userData.remove();
    }
  });
});

describe('embedded hub start', () => {
  it('closes the runtime again when a step after its start fails', async () => {
    const userData = await tempUserData();
    let runtime: EdgeRuntime | undefined;
    try {
      const failure = await startEmbeddedHub({
        userDataDir: userData.dir,
        uiDir: false,
        logger: silentLogger,
        ports: [{ https: 0, mqtts: 0 }],
        startRuntime: async (config, overrides) => {
          runtime = await startEdgeRuntime(config, overrides);
          // The CA file the shell reads next is gone: the start fails after the runtime is up.
          runtime.paths = { ...runtime.paths, caPem: path.join(userData.dir, 'missing-ca.pem') };
          return runtime;
        },
      }).then(
        () => undefined,
        (err: unknown) => err as NodeJS.ErrnoException,
      );
      expect(failure?.code).toBe('ENOENT');
      if (!runtime) throw new Error('the runtime did not start');
      expect(await isListening(portOf(runtime.urls.https))).toBe(false);
      expect(await isListening(portOf(runtime.urls.mqtts.replace('mqtts:', 'https:')))).toBe(false);
    } finally {
      await runtime?.close();
      await userData.remove();
    }
  });

  it('closes once however often it is asked to', async () => {
    const userData = await tempUserData();
    try {
      let closes = 0;
      const hub = await startEmbeddedHub({
        userDataDir: userData.dir,
        uiDir: false,
        logger: silentLogger,
        ports: [{ https: 0, mqtts: 0 }],
        startRuntime: async (config, overrides) => {
          const runtime = await startEdgeRuntime(config, overrides);
          const close = runtime.close.bind(runtime);
          runtime.close = () => {
            closes += 1;
            return close();
          };
          return runtime;
        },
      });
      await Promise.all([hub.close(), hub.close()]);
      await hub.close();
      expect(closes).toBe(1);
    } finally {
      await userData.remove();
    }
  });
});

describe('embedded mode with a corrupt settings file', () => {
  it('starts anyway with the defaults, the file moved aside', async () => {
    const userData = await tempUserData();
    try {
      // What a crash mid-write used to leave behind.
      await writeFile(settingsPath(userData.dir), '');
      const { fake, desktop } = startFakeDesktop(userData.dir);
      await desktop.ready;
      expect(fake.dialog.errors).toEqual([]);
      expect(desktop.hub()?.mode).toBe('embedded');
      expect(fake.windows).toHaveLength(1);
      const files = await readdir(userData.dir);
      expect(files).not.toContain('settings.json');
      expect(files.filter((f) => f.startsWith('settings.json.corrupt-'))).toHaveLength(1);
      await desktop.hub()?.embedded?.close();
    } finally {
      await userData.remove();
    }
  });
});
