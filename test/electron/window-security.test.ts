import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  createHubWindow,
  lockDownSession,
  originOf,
  windowOptions,
} from '../../electron/src/main/create-window';
import { createFakeElectron, type FakeBrowserWindow } from './fake-electron';

const HUB = 'https://127.0.0.1:8443/';

function openWindow(): { window: FakeBrowserWindow; fake: ReturnType<typeof createFakeElectron> } {
  const fake = createFakeElectron('/nowhere');
  createHubWindow({
    createWindow: fake.electron.createWindow,
    shell: fake.shell,
    hubUrl: HUB,
    preloadPath: '/app/electron/dist/preload.cjs',
  });
  const window = fake.windows[0];
  if (!window) throw new Error('no window was created');
  return { window, fake };
}

describe('window options', () => {
  it('isolate the page: context isolation, sandbox, no Node, web security, the preload', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('are the ones the hub window is created with; it loads the hub and shows when ready', () => {
    const { window } = openWindow();
    expect(window.options).toEqual(windowOptions('/app/electron/dist/preload.cjs'));
    expect(window.loaded).toEqual([HUB]);
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });
});

describe('navigation guard', () => {
  it('lets the page move within the hub origin', () => {
    const { window } = openWindow();
    expect(window.webContents.navigate('https://127.0.0.1:8443/#/devices')).toBe(false);
    expect(window.webContents.navigate('https://127.0.0.1:8443/api/openapi.json')).toBe(false);
  });

  it('cancels navigations and redirects to any other origin, the same host on another port included', () => {
    const { window, fake } = openWindow();
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:8443/',
      'https://127.0.0.1:9443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
    ]) {
      expect(window.webContents.navigate(url), url).toBe(true);
    }
    expect(window.webContents.navigate('https://evil.example/', 'will-redirect')).toBe(true);
    expect(fake.shell.opened).toEqual([]);
  });

  it('refuses webviews', () => {
    const { window } = openWindow();
    const event = { prevented: false, preventDefault: () => {} };
    let prevented = false;
    event.preventDefault = () => {
      prevented = true;
    };
    window.webContents.emit('will-attach-webview', event);
    expect(prevented).toBe(true);
  });
});

describe('window.open', () => {
  it('is denied; http(s) links go to the system browser, other schemes nowhere', () => {
    const { window, fake } = openWindow();
    const handler = window.webContents.windowOpenHandler;
    if (!handler) throw new Error('no window-open handler');
    expect(handler({ url: 'https://learn.microsoft.com/azure/iot-hub/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'smb://share/x' })).toEqual({ action: 'deny' });
    expect(handler({ url: `${HUB}#/devices` })).toEqual({ action: 'deny' });
    expect(fake.shell.opened).toEqual([
      'https://learn.microsoft.com/azure/iot-hub/',
      'http://example.com/',
      `${HUB}#/devices`,
    ]);
  });
});

describe('content security policy', () => {
  it('is strict', () => {
    const directives = CONTENT_SECURITY_POLICY.split('; ');
    expect(directives).toEqual([
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ]);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('is added to every response, beside the policy the hub sent, and other headers pass through', () => {
    const fake = createFakeElectron('/nowhere');
    lockDownSession(fake.session);
    const plain = fake.session.headers(`${HUB}assets/app.js`, { 'Content-Type': ['text/javascript'] });
    expect(plain).toEqual({
      'Content-Type': ['text/javascript'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    const withHubs = fake.session.headers(HUB, { 'content-security-policy': ["default-src 'self'"] });
    expect(withHubs['Content-Security-Policy']).toEqual(["default-src 'self'", CONTENT_SECURITY_POLICY]);
    expect(Object.keys(withHubs)).toEqual(['Content-Security-Policy']);
  });

  it('comes with every permission refused but writing to the clipboard', () => {
    const fake = createFakeElectron('/nowhere');
    lockDownSession(fake.session);
    const permissions = [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'clipboard-sanitized-write',
    ];
    const answers: boolean[] = [];
    for (const permission of permissions) {
      fake.session.permissionHandler?.({}, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false, true]);
    expect(permissions.map((p) => fake.session.permissionCheck?.({}, p))).toEqual(answers);
  });
});

describe('originOf', () => {
  it('gives scheme, host and port, and nothing for URLs without an origin', () => {
    expect(originOf('https://127.0.0.1:8443/x?y#z')).toBe('https://127.0.0.1:8443');
    expect(originOf('https://gateway.site.lan/')).toBe('https://gateway.site.lan');
    expect(originOf('file:///etc/passwd')).toBeUndefined();
    expect(originOf('not a url')).toBeUndefined();
  });
});
