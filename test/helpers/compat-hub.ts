import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildServiceConnectionString, silentLogger } from '@outpost/core';
import { type EdgeRuntime, type RuntimeConfig, startEdgeRuntime } from '@outpost/edge-runtime';
import { OWNER_KEY, testConfig } from './test-hub';

/**
 * A real runtime where the unmodified Azure SDKs can reach it: HTTPS on port 443 of a loopback address
 * of its own, whose IP is the HostName (the certificate carries an IP SAN for the bind address).
 */
export interface CompatHub {
  runtime: EdgeRuntime;
  dataDir: string;
  /** The loopback address the hub listens on; also its HostName. */
  address: string;
  /** The site CA file, for NODE_EXTRA_CA_CERTS (Node reads that variable only at process start). */
  caPath: string;
  /** A service connection string for a seeded policy (default iothubowner); `key` overrides its key. */
  connectionString(policy?: string, options?: { key?: string }): string;
  /** The environment a child SDK process needs to trust the hub. */
  childEnv(): Record<string, string>;
  close(): Promise<void>;
}

const PORT = 443;

function randomLoopback(): string {
  return `127.0.0.${10 + Math.floor(Math.random() * 241)}`;
}

/** Resolves true when `address:443` can be bound right now (we run as root, so 443 is allowed). */
function canListen(address: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(false);
      else reject(err);
    });
    probe.listen(PORT, address, () => probe.close(() => resolve(true)));
  });
}

/** Starts a runtime on `127.0.0.<10–250>:443`, trying other addresses while one is taken. */
export async function startCompatHub(overrides: Partial<RuntimeConfig> = {}): Promise<CompatHub> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const address = randomLoopback();
    if (!(await canListen(address))) continue;
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-compat-'));
    let runtime: EdgeRuntime;
    try {
      runtime = await startEdgeRuntime(
        testConfig(dataDir, {
          bind: address,
          hostName: address,
          hostAliases: [],
          httpsPort: PORT,
          ...overrides,
        }),
        { logger: silentLogger, ownerKey: OWNER_KEY, adminPassword: 'admin-password-for-tests' },
      );
    } catch (err) {
      await rm(dataDir, { recursive: true, force: true });
      // Lost a race for the address between the probe and the listen: try another one.
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw err;
    }
    return wrap(runtime, dataDir, address);
  }
  throw new Error(`no free loopback address for port ${PORT} after 20 attempts`);
}

function wrap(runtime: EdgeRuntime, dataDir: string, address: string): CompatHub {
  return {
    runtime,
    dataDir,
    address,
    caPath: runtime.paths.caPem,
    connectionString(policy = 'iothubowner', options = {}) {
      const p = runtime.hub.policies.get(policy);
      if (!p) throw new Error(`no policy ${policy}`);
      return buildServiceConnectionString({
        hostName: runtime.config.hostName,
        policyName: p.name,
        key: options.key ?? p.primaryKey,
      });
    },
    childEnv() {
      return { NODE_EXTRA_CA_CERTS: runtime.paths.caPem };
    },
    async close() {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
