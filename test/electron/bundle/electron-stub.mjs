// A stand-in for the `electron` module, to run the bundled main process (dist/main.js) under plain
// Node (bundle.test.ts): the app is ready at once; the window, once loaded, fetches its one-time
// token over IPC, signs in with it over HTTPS (trusting the hub's CA), then quits. What happens is
// reported as JSON lines on stdout.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';

const report = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const paths = new Map([['appData', process.env.STUB_APP_DATA ?? '']]);

class App extends EventEmitter {
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  getPath(name) {
    return paths.get(name) ?? path.join(paths.get('appData'), 'Electron');
  }
  setPath(name, value) {
    paths.set(name, value);
  }
  getVersion() {
    return '0.0.0-stub';
  }
  quit() {
    const event = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    this.emit('before-quit', event);
    report('quit', { held: event.prevented });
    if (!event.prevented) this.exit(0);
  }
  exit(code = 0) {
    report('exit', { code });
    process.exit(code);
  }
}

export const app = new App();
const handlers = new Map();
export const ipcMain = { handle: (channel, fn) => handlers.set(channel, fn) };
export const shell = { openExternal: async () => {} };
export const dialog = {
  showErrorBox: (title, content) => report('error-box', { title, content }),
  showMessageBox: async () => ({ response: 1 }),
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
};
export const session = {
  defaultSession: {
    setCertificateVerifyProc: () => report('verify-proc'),
    webRequest: { onHeadersReceived: () => report('csp') },
    setPermissionRequestHandler: () => {},
    setPermissionCheckHandler: () => {},
  },
};
export const contextBridge = {};
export const ipcRenderer = {};

function post(url, body, ca) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = https.request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json', 'content-length': data.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

let nextId = 1;
export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = Object.assign(new EventEmitter(), { id: nextId++, setWindowOpenHandler() {} });
  }
  show() {}
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  async loadURL(url) {
    const { preload, sandbox, contextIsolation, nodeIntegration } = this.options.webPreferences;
    report('load', { url, preload, sandbox, contextIsolation, nodeIntegration });
    setImmediate(() =>
      this.signIn(url).catch((err) => {
        report('failed', { error: String(err) });
        process.exit(3);
      }),
    );
  }
  async signIn(url) {
    const event = { sender: { id: this.webContents.id }, senderFrame: { url, parent: null } };
    const ticket = await handlers.get('outpost:embedded-session')(event);
    const ca = readFileSync(path.join(app.getPath('userData'), 'hub', 'tls', 'ca.pem'), 'utf8');
    const first = await post(`${url}api/v1/login`, { oneTimeToken: ticket.oneTimeToken }, ca);
    const second = await post(`${url}api/v1/login`, { oneTimeToken: ticket.oneTimeToken }, ca);
    report('login', { first, second });
    app.quit();
  }
}
