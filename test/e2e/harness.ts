/**
 * The e2e harness: a real runtime (its own temp data dir, loopback ports) serving the built
 * operator UI, a simulated fleet on its real MQTT endpoint, and Debian's Chromium driven by
 * playwright-core. Screenshots go to test/artifacts/screenshots (an artifact, not a golden image).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type Demo, startDemo } from '../../edge-runtime/src/demo/demo-fleet';
import { loginAs, TEST_ADMIN_PASSWORD } from '../helpers/operator-client';
import { startTestHub, type TestHub } from '../helpers/test-hub';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where screenshots are saved. */
export const SCREENSHOT_DIR = path.resolve(here, '../artifacts/screenshots');
/** Debian's Chromium (installed by .ci/run); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A hub with a simulated fleet, for one e2e file. */
export interface E2eHub {
  hub: TestHub;
  demo: Demo | undefined;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a hub serving the UI. With `devices` > 0 the demo fleet (tagged devices across four
 * sites, simulated over MQTT: configuration, reboot and factory-reset patterns) connects to it.
 */
export async function startE2eHub(options: { devices?: number; telemetryIntervalSeconds?: number } = {}) {
  // OUTPOST_UI_DIR: a UI built elsewhere (`vite build --outDir`), default renderer/dist.
  const hub = await startTestHub({}, process.env.OUTPOST_UI_DIR ? { uiDir: process.env.OUTPOST_UI_DIR } : {});
  const devices = options.devices ?? 12;
  const demo =
    devices > 0
      ? await startDemo(hub.runtime, {
          devices,
          telemetryIntervalSeconds: options.telemetryIntervalSeconds ?? 2,
        })
      : undefined;
  return {
    hub,
    demo,
    url: `${hub.runtime.urls.https}/`,
    async close() {
      await demo?.close();
      await hub.close();
    },
  } satisfies E2eHub;
}

/** One e2e file's hub (read through like an {@link E2eHub}) and its Chromium. */
export interface E2eFile extends E2eHub {
  readonly browser: Browser;
  /** A new browser context, as {@link newContext}. */
  newContext(viewport?: { width: number; height: number }): Promise<BrowserContext>;
}

/**
 * The setup every e2e file shares: a hub (`startE2eHub(options)`) and Chromium, started together
 * before the file's tests (`timeoutMs` for both) and closed after them. Read it only from tests and
 * later hooks: before `beforeAll` has run there is nothing to read.
 */
export function useE2eHub(options: Parameters<typeof startE2eHub>[0] = {}, timeoutMs = 60_000): E2eFile {
  let hub: E2eHub | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(options), launchBrowser()]);
  }, timeoutMs);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('The e2e hub is not started yet: use it in a test or a later hook.');
    return value;
  };
  return {
    get hub() {
      return started(hub).hub;
    },
    get demo() {
      return started(hub).demo;
    },
    get url() {
      return started(hub).url;
    },
    close: () => started(hub).close(),
    get browser() {
      return started(browser);
    },
    newContext: (viewport) => newContext(started(browser), viewport),
  };
}

/** Launches headless Chromium with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A new browser context (1280×800 laptop screen unless told) that trusts nothing but is told to
 * accept the hub's self-signed certificate; CA pinning itself is the desktop shell's job.
 */
export async function newContext(browser: Browser, viewport = { width: 1280, height: 800 }) {
  return browser.newContext({ ignoreHTTPSErrors: true, viewport });
}

/** Opens the UI and signs in through the login form. */
export async function signIn(
  context: BrowserContext,
  e2e: E2eHub,
  user = 'admin',
  password = TEST_ADMIN_PASSWORD,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(e2e.url);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return page;
}

/** A page signed in as `name`, a new account with `role`. */
export async function signInAsNew(e2e: E2eFile, name: string, role: 'viewer' | 'operator' | 'admin') {
  const password = await createUser(e2e, name, role);
  return signIn(await e2e.newContext(), e2e, name, password);
}

/** Creates an operator account with a role, through the API as the admin. */
export async function createUser(e2e: E2eHub, name: string, role: 'viewer' | 'operator' | 'admin') {
  const { operatorCall } = await import('../helpers/operator-client');
  const token = await loginAs(e2e.hub, 'admin', TEST_ADMIN_PASSWORD);
  const password = `${name}-password-1234`;
  const res = await operatorCall(e2e.hub, {
    method: 'POST',
    path: '/api/v1/users',
    token,
    body: { name, password, role },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`create user: ${res.status} ${res.text}`);
  return password;
}

/** Saves a full-page screenshot of a screen as test/artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
