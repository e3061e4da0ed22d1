import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS } from '../../electron/src/desktop-api';
import {
  chainsToCa,
  decideCertificate,
  VERIFY_ACCEPT,
  VERIFY_REFUSE,
  VERIFY_USE_CHROMIUM,
} from '../../electron/src/main/certificate-trust';
import { GatewayError, parseGatewayUrl, probeGateway } from '../../electron/src/main/remote-hub';
import { chooseMode, readSettings, settingsPath, writeSettings } from '../../electron/src/main/settings';
import { startTestHub, type TestHub } from '../helpers/test-hub';
import { isListening, presentedCertificate, startFakeDesktop, tempUserData, unrelatedCa } from './helpers';

// The gateway is a real runtime with its own CA; "other" is another site's CA.
let gateway: TestHub;
let gatewayUrl: string;
let gatewayCert: string;
let other: Awaited<ReturnType<typeof unrelatedCa>>;

beforeAll(async () => {
  gateway = await startTestHub();
  gatewayUrl = `${gateway.runtime.urls.https}/`;
  gatewayCert = await presentedCertificate(gatewayUrl);
  other = await unrelatedCa();
});
afterAll(async () => {
  await gateway.close();
  await other.remove();
});

describe('chainsToCa', () => {
  it('accepts the gateway certificate with its own CA, for a name it carries', () => {
    expect(chainsToCa(gatewayCert, [], gateway.ca, { hostname: '127.0.0.1' })).toEqual({ ok: true });
    expect(chainsToCa(gatewayCert, [], gateway.ca, { hostname: 'localhost' })).toEqual({ ok: true });
  });

  it('refuses it against another CA, for another name, or out of its validity', () => {
    const wrongCa = chainsToCa(gatewayCert, [], other.caPem, { hostname: '127.0.0.1' });
    expect(wrongCa.ok).toBe(false);
    expect(!wrongCa.ok && wrongCa.reason).toMatch(/does not chain to the pinned CA/);
    const wrongName = chainsToCa(gatewayCert, [], gateway.ca, { hostname: 'gateway.other.lan' });
    expect(!wrongName.ok && wrongName.reason).toMatch(/not for gateway\.other\.lan/);
    const later = chainsToCa(gatewayCert, [], gateway.ca, { now: Date.now() + 5 * 365 * 86_400_000 });
    expect(!later.ok && later.reason).toMatch(/expired/);
  });

  it('refuses a pinned certificate that is not a CA, and garbage', () => {
    expect(chainsToCa(gatewayCert, [], gatewayCert).ok).toBe(false);
    expect(chainsToCa('nope', [], gateway.ca).ok).toBe(false);
    expect(chainsToCa(gatewayCert, [], 'nope').ok).toBe(false);
  });

  it('does not take a presented "intermediate" as a trust anchor', () => {
    // The other CA presented as an intermediate does not make its own server certificate trusted.
    expect(chainsToCa(other.serverPem, [other.caPem], gateway.ca, { hostname: '127.0.0.1' }).ok).toBe(false);
  });
});

describe('decideCertificate', () => {
  const pinned = () => ({ hostname: '127.0.0.1', caPem: gateway.ca });
  const request = (hostname: string, data: string) => ({
    hostname,
    certificate: { data },
    verificationResult: 'net::ERR_CERT_AUTHORITY_INVALID',
  });

  it('accepts the pinned host only with a chain to the pinned CA, whatever Chromium says', () => {
    expect(decideCertificate(request('127.0.0.1', gatewayCert), pinned()).result).toBe(VERIFY_ACCEPT);
    const refused = decideCertificate(request('127.0.0.1', other.serverPem), pinned());
    expect(refused.result).toBe(VERIFY_REFUSE);
    expect(refused.reason).toMatch(/does not chain to the pinned CA/);
    const publicOk = { ...request('127.0.0.1', other.serverPem), verificationResult: 'OK' };
    expect(decideCertificate(publicOk, pinned()).result).toBe(VERIFY_REFUSE);
  });

  it('leaves other hosts to Chromium', () => {
    expect(decideCertificate(request('fonts.example', other.serverPem), pinned()).result).toBe(
      VERIFY_USE_CHROMIUM,
    );
  });
});

describe('probeGateway', () => {
  it('refuses a gateway whose certificate does not chain to the pinned CA, saying so', async () => {
    const err = await probeGateway(gatewayUrl, other.caPem).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).kind).toBe('untrusted');
    expect((err as GatewayError).message).toMatch(
      new RegExp(
        `^Refusing the gateway ${gateway.runtime.urls.https}: its certificate does not chain to the pinned CA`,
      ),
    );
  });

  it('accepts the gateway with its own CA pinned', async () => {
    const { fingerprint256 } = await probeGateway(gatewayUrl, gateway.ca);
    expect(fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('tells an unreachable gateway apart from an untrusted one', async () => {
    const closed = await unrelatedPort();
    const err = (await probeGateway(`https://127.0.0.1:${closed}/`, gateway.ca).catch(
      (e: unknown) => e,
    )) as GatewayError;
    expect(err.kind).toBe('unreachable');
    expect(err.message).toMatch(/Cannot reach the gateway/);
  });

  it('takes https URLs only', () => {
    expect(() => parseGatewayUrl('http://gw:8443/')).toThrow(/must use https/);
    expect(() => parseGatewayUrl('https://u:p@gw:8443/')).toThrow(/user name or password/);
    expect(parseGatewayUrl('https://GW.site.lan:8443/x/y?z').href).toBe('https://gw.site.lan:8443/');
  });
});

/** A port nothing listens on: one the OS just handed out and took back. */
async function unrelatedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (await isListening(port)) throw new Error('port still open');
  return port;
}

describe('remote mode in the app', () => {
  it('refuses to open a gateway that does not match the pinned CA, with a clear error', async () => {
    const userData = await tempUserData();
    try {
      await writeSettings(userData.dir, { mode: 'remote', gatewayUrl, caPem: other.caPem });
      const { fake, desktop } = startFakeDesktop(userData.dir);
      await desktop.ready;
      expect(fake.windows).toEqual([]);
      expect(fake.dialog.errors).toHaveLength(1);
      expect(fake.dialog.errors[0]?.content).toMatch(
        /Refusing the gateway .*does not chain to the pinned CA/,
      );
      expect(fake.app.exits).toEqual([1]);
    } finally {
      await userData.remove();
    }
  });

  it('opens the gateway with the right CA pinned: no embedded hub, no one-time token', async () => {
    const userData = await tempUserData();
    try {
      await writeSettings(userData.dir, { mode: 'remote', gatewayUrl, caPem: gateway.ca });
      const { fake, desktop } = startFakeDesktop(userData.dir);
      await desktop.ready;
      expect(desktop.hub()).toEqual({ mode: 'remote', hubUrl: gatewayUrl });
      const [window] = fake.windows;
      if (!window) throw new Error(`no window: ${JSON.stringify(fake.dialog.errors)}`);
      expect(window.loaded).toEqual([gatewayUrl]);
      const event = window.webContents.ipcEvent();
      expect(await fake.ipcMain.invoke(DESKTOP_CHANNELS.embeddedSession, event)).toBeNull();
      expect(await fake.ipcMain.invoke(DESKTOP_CHANNELS.appInfo, event)).toMatchObject({ mode: 'remote' });
      const verify = (data: string) =>
        fake.session.verify({ hostname: '127.0.0.1', certificate: { data }, verificationResult: 'x' });
      expect(verify(gatewayCert)).toBe(VERIFY_ACCEPT);
      expect(verify(other.serverPem)).toBe(VERIFY_REFUSE);
      expect(fake.app.requestQuit()).toBe(false);
    } finally {
      await userData.remove();
    }
  });

  it('asks for the CA when none is pinned, checks it, and remembers it once accepted', async () => {
    const userData = await tempUserData();
    try {
      const caFile = path.join(userData.dir, 'gateway-ca.pem');
      await writeFile(caFile, gateway.ca);
      const { fake, desktop } = startFakeDesktop(userData.dir, { env: { OUTPOST_REMOTE_URL: gatewayUrl } });
      fake.dialog.messageAnswers.push(0, 0);
      fake.dialog.openAnswers.push({ canceled: false, filePaths: [caFile] });
      await desktop.ready;
      expect(fake.dialog.messagesShown[1]?.detail).toMatch(/SHA-256 fingerprint/);
      expect(fake.windows[0]?.loaded).toEqual([gatewayUrl]);
      // The gateway and its CA are remembered; the mode is not, as it came from OUTPOST_REMOTE_URL.
      const settings = await readSettings(userData.dir);
      expect(settings).toEqual({ gatewayUrl, caPem: gateway.ca });
      // The next launch with the variable reuses the CA; one without it embeds its hub as before.
      expect(await chooseMode({ OUTPOST_REMOTE_URL: gatewayUrl }, settings)).toMatchObject({
        caPem: gateway.ca,
      });
      expect(await chooseMode({}, settings)).toEqual({ mode: 'embedded' });
    } finally {
      await userData.remove();
    }
  });

  it('keeps the mode the settings had when a CA is accepted for OUTPOST_REMOTE_URL', async () => {
    const userData = await tempUserData();
    try {
      const caFile = path.join(userData.dir, 'gateway-ca.pem');
      await writeFile(caFile, gateway.ca);
      await writeSettings(userData.dir, { mode: 'embedded' });
      const { fake, desktop } = startFakeDesktop(userData.dir, { env: { OUTPOST_REMOTE_URL: gatewayUrl } });
      fake.dialog.messageAnswers.push(0, 0);
      fake.dialog.openAnswers.push({ canceled: false, filePaths: [caFile] });
      await desktop.ready;
      expect(fake.windows[0]?.loaded).toEqual([gatewayUrl]);
      expect(await readSettings(userData.dir)).toEqual({ mode: 'embedded', gatewayUrl, caPem: gateway.ca });
    } finally {
      await userData.remove();
    }
  });

  it('stays in remote mode when the settings chose it and the CA is accepted', async () => {
    const userData = await tempUserData();
    try {
      const caFile = path.join(userData.dir, 'gateway-ca.pem');
      await writeFile(caFile, gateway.ca);
      await writeSettings(userData.dir, { mode: 'remote', gatewayUrl });
      const { fake, desktop } = startFakeDesktop(userData.dir);
      fake.dialog.messageAnswers.push(0, 0);
      fake.dialog.openAnswers.push({ canceled: false, filePaths: [caFile] });
      await desktop.ready;
      expect(fake.windows[0]?.loaded).toEqual([gatewayUrl]);
      const settings = await readSettings(userData.dir);
      expect(settings).toEqual({ mode: 'remote', gatewayUrl, caPem: gateway.ca });
      expect(await chooseMode({}, settings)).toMatchObject({
        mode: 'remote',
        from: 'settings',
        caPem: gateway.ca,
      });
    } finally {
      await userData.remove();
    }
  });

  it('quits when the user does not provide a CA', async () => {
    const userData = await tempUserData();
    try {
      const { fake, desktop } = startFakeDesktop(userData.dir, { env: { OUTPOST_REMOTE_URL: gatewayUrl } });
      fake.dialog.messageAnswers.push(1);
      await desktop.ready;
      expect(fake.windows).toEqual([]);
      expect(fake.app.quits).toBe(1);
      expect(await readSettings(userData.dir)).toEqual({});
    } finally {
      await userData.remove();
    }
  });
});

describe('mode selection', () => {
  it('embedded by default; remote from the settings; OUTPOST_REMOTE_URL wins', async () => {
    expect(await chooseMode({}, {})).toEqual({ mode: 'embedded' });
    expect(await chooseMode({}, { mode: 'remote' })).toEqual({ mode: 'embedded' });
    expect(await chooseMode({}, { mode: 'remote', gatewayUrl: 'https://gw:8443/', caPem: 'PEM' })).toEqual({
      mode: 'remote',
      from: 'settings',
      gatewayUrl: 'https://gw:8443/',
      caPem: 'PEM',
    });
    const env = { OUTPOST_REMOTE_URL: 'https://gw:8443/' };
    expect(await chooseMode(env, { mode: 'embedded', gatewayUrl: 'https://gw:8443', caPem: 'PEM' })).toEqual({
      mode: 'remote',
      from: 'env',
      gatewayUrl: 'https://gw:8443/',
      caPem: 'PEM',
    });
    // A CA pinned for another gateway is not reused.
    expect(await chooseMode(env, { gatewayUrl: 'https://other:8443/', caPem: 'PEM' })).toEqual({
      mode: 'remote',
      from: 'env',
      gatewayUrl: 'https://gw:8443/',
    });
  });

  it('reads OUTPOST_REMOTE_CA from a file, and names a settings file with a wrong mode', async () => {
    const userData = await tempUserData();
    try {
      const caFile = path.join(userData.dir, 'ca.pem');
      await writeFile(caFile, gateway.ca);
      const choice = await chooseMode({ OUTPOST_REMOTE_URL: gatewayUrl, OUTPOST_REMOTE_CA: caFile }, {});
      expect(choice).toMatchObject({ mode: 'remote', from: 'env', caPem: gateway.ca });
      await writeFile(settingsPath(userData.dir), '{"mode": "cloud"}');
      await expect(readSettings(userData.dir)).rejects.toThrow(/mode must be "embedded" or "remote"/);
    } finally {
      await userData.remove();
    }
  });
});
