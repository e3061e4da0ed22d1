import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { silentLogger } from '@outpost/core';
import { ensureHubPki } from '@outpost/edge-runtime';
import {
  type DesktopApp,
  type DesktopAppOptions,
  startDesktopApp,
} from '../../electron/src/main/desktop-app';
import { createFakeElectron, type FakeElectron } from './fake-electron';

/** A temp folder standing in for `app.getPath('userData')`; `remove()` deletes it. */
export async function tempUserData(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-desktop-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A CA unrelated to any hub under test (another site's), as PEM. */
export async function unrelatedCa(): Promise<{ caPem: string; serverPem: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-other-ca-'));
  const pki = await ensureHubPki({ dir, hostName: 'localhost', sans: [], bindAddress: '127.0.0.1' });
  return {
    caPem: pki.caPem,
    serverPem: pki.certPem,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The certificate a TLS server presents at `url`, as PEM (fetched without checking it). */
export function presentedCertificate(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(new X509Certificate(raw).toString());
    });
    socket.once('error', reject);
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The port of an `https://host:port/` URL. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Reads a file as UTF-8. */
export const readText = (file: string): Promise<string> => readFile(file, 'utf8');

/** Starts the desktop app against a fake Electron: embedded hub on ephemeral ports, no UI files. */
export function startFakeDesktop(
  userDataDir: string,
  options: Partial<DesktopAppOptions> = {},
): { fake: FakeElectron; desktop: DesktopApp } {
  const fake = createFakeElectron(userDataDir);
  const desktop = startDesktopApp({
    electron: fake.electron,
    env: {},
    platform: 'linux',
    arch: 'x64',
    electronVersion: '45.6.0',
    preloadPath: '/app/electron/dist/preload.cjs',
    uiDir: false,
    logger: silentLogger,
    embeddedPorts: [{ https: 0, mqtts: 0 }],
    remoteTimeoutMs: 5_000,
    ...options,
  });
  if (!desktop) throw new Error('the fake desktop app did not start (no single-instance lock?)');
  return { fake, desktop };
}
