import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Hub, Logger } from '@outpost/core';
import { type EdgeRuntime, type RuntimeConfig, startEdgeRuntime } from '@outpost/edge-runtime';
import type { EmbeddedSession } from '../desktop-api';

/** An HTTPS and an MQTT-over-TLS port to listen on (0 = any free port). */
export interface HubPorts {
  https: number;
  mqtts: number;
}

/**
 * The ports tried in turn: the hub's usual ones, so devices and tools on this machine find it
 * where they expect, then any free ones when another hub (or anything else) holds those.
 */
export const EMBEDDED_PORTS: readonly HubPorts[] = [
  { https: 8443, mqtts: 8883 },
  { https: 0, mqtts: 0 },
];

/**
 * Fixed ports from `OUTPOST_HTTPS_PORT` / `OUTPOST_MQTTS_PORT` (the CLI's variables; 0 = any free
 * port), tried without a fallback; undefined when neither is set, for {@link EMBEDDED_PORTS}.
 */
export function portsFromEnv(env: Readonly<Record<string, string | undefined>>): HubPorts[] | undefined {
  const read = (name: string, fallback: number): number => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const port = Number(text);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`${name} must be a port number from 0 to 65535, got ${JSON.stringify(text)}.`);
    }
    return port;
  };
  if (!env.OUTPOST_HTTPS_PORT?.trim() && !env.OUTPOST_MQTTS_PORT?.trim()) return undefined;
  return [{ https: read('OUTPOST_HTTPS_PORT', 8443), mqtts: read('OUTPOST_MQTTS_PORT', 8883) }];
}

/** What {@link startEmbeddedHub} needs. */
export interface EmbeddedHubOptions {
  /** The app's data folder (`app.getPath('userData')`); the hub lives in its `hub` folder. */
  userDataDir: string;
  ports?: readonly HubPorts[];
  /** The operator UI's built files, served at `/` (default: the runtime's). */
  uiDir?: string | false;
  logger?: Logger;
  /** Starts the runtime (default {@link startEdgeRuntime}; tests wrap it). */
  startRuntime?: typeof startEdgeRuntime;
}

/** The runtime running inside the desktop app, on loopback only. */
export interface EmbeddedHub {
  runtime: EdgeRuntime;
  /** `https://127.0.0.1:<port>/`: the page the window opens. */
  hubUrl: string;
  /** The hub's CA, which its certificate chains to. */
  caPem: string;
  /** A single-use sign-in token for the window, as the hub's first admin. */
  issueSession(): EmbeddedSession;
  /** Stops the runtime (flushes and closes the store); later calls wait for the same close. */
  close(): Promise<void>;
}

/** Where the embedded hub keeps its data: `<userData>/hub`. */
export function embeddedDataDir(userDataDir: string): string {
  return path.join(userDataDir, 'hub');
}

/** The runtime configuration of the embedded hub: loopback only, so nothing off this machine reaches it. */
export function embeddedConfig(dataDir: string, ports: HubPorts): RuntimeConfig {
  return {
    dataDir,
    hostName: 'localhost',
    hostAliases: ['127.0.0.1'],
    bind: '127.0.0.1',
    httpsPort: ports.https,
    mqttsPort: ports.mqtts,
    sans: [],
    clockSkewSeconds: 300,
    logLevel: 'info',
  };
}

/**
 * The account the window signs in as: `admin`, the operator the hub created on first start, or
 * (when that one was deleted) the first remaining admin. The person at this desktop owns the hub's
 * data folder, so they are its administrator.
 */
export function desktopUser(hub: Pick<Hub, 'users'>): string {
  const admins = hub.users.list().filter((u) => u.role === 'admin');
  const name = (admins.find((u) => u.name === 'admin') ?? admins[0])?.name;
  if (!name) throw new Error('The embedded hub has no admin account to sign the window in with.');
  return name;
}

function addressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/** Starts the edge runtime in this process on loopback, trying each set of ports until one is free. */
export async function startEmbeddedHub(options: EmbeddedHubOptions): Promise<EmbeddedHub> {
  const dataDir = embeddedDataDir(options.userDataDir);
  const overrides = {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.uiDir === undefined ? {} : { uiDir: options.uiDir }),
  };
  const candidates = options.ports ?? EMBEDDED_PORTS;
  const start = options.startRuntime ?? startEdgeRuntime;
  let runtime: EdgeRuntime | undefined;
  for (const [i, ports] of candidates.entries()) {
    try {
      runtime = await start(embeddedConfig(dataDir, ports), overrides);
      break;
    } catch (err) {
      if (!addressInUse(err) || i === candidates.length - 1) throw err;
      options.logger?.warn('embedded hub ports taken, trying the next ones', { ...ports });
    }
  }
  if (!runtime) throw new Error('No ports to start the embedded hub on.');
  const started = runtime;
  try {
    const caPem = await readFile(started.paths.caPem, 'utf8');
    const hubUrl = `${started.urls.https}/`;
    let closing: Promise<void> | undefined;
    return {
      runtime: started,
      hubUrl,
      caPem,
      issueSession() {
        const { token, expiresAt } = started.hub.logins.issueOneTimeToken(desktopUser(started.hub));
        return { hubUrl, oneTimeToken: token, expiresAt };
      },
      close: () => {
        closing ??= started.close();
        return closing;
      },
    };
  } catch (err) {
    // The runtime is up and listening: stop it, or it stays open with nobody left to close it.
    await started.close().catch((closeErr: unknown) =>
      options.logger?.warn('closing the embedded hub after a failed start failed', {
        error: String(closeErr),
      }),
    );
    throw err;
  }
}
