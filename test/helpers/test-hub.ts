import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSasToken, silentLogger } from '@outpost/core';
import {
  type EdgeRuntime,
  type RuntimeConfig,
  type RuntimeOverrides,
  startEdgeRuntime,
} from '@outpost/edge-runtime';
import { httpsRequest, type TestResponse } from './https-client';

/** A fixed iothubowner key so tests can sign tokens. */
export const OWNER_KEY = Buffer.alloc(32, 7).toString('base64');

/** A runtime config on loopback with ephemeral ports in `dataDir`. */
export function testConfig(dataDir: string, overrides: Partial<RuntimeConfig> = {}): RuntimeConfig {
  return {
    dataDir,
    hostName: 'localhost',
    hostAliases: ['127.0.0.1'],
    bind: '127.0.0.1',
    httpsPort: 0,
    mqttsPort: 0,
    sans: [],
    clockSkewSeconds: 300,
    logLevel: 'error',
    ...overrides,
  };
}

/** A real runtime in a temp dir, with helpers to call its API as a given policy. */
export interface TestHub {
  runtime: EdgeRuntime;
  dataDir: string;
  ca: string;
  /** A SAS token for a policy of the hub (default iothubowner), valid for an hour. */
  token(policy?: string, options?: { expiresAt?: number; key?: string; sr?: string }): string;
  /** Calls the API; `api-version` is added unless the path has a query string already. */
  call(
    method: string,
    pathAndQuery: string,
    options?: { body?: unknown; raw?: string; headers?: Record<string, string>; policy?: string },
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

/** Starts a runtime for a test; `close()` stops it and removes its data. */
export async function startTestHub(
  overrides: Partial<RuntimeConfig> = {},
  runtimeOverrides: RuntimeOverrides = {},
): Promise<TestHub> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-test-'));
  const runtime = await startEdgeRuntime(testConfig(dataDir, overrides), {
    logger: silentLogger,
    ownerKey: OWNER_KEY,
    adminPassword: 'admin-password-for-tests',
    ...runtimeOverrides,
  });
  const ca = await readFile(runtime.paths.caPem, 'utf8');
  const token: TestHub['token'] = (policy = 'iothubowner', options = {}) => {
    const p = runtime.hub.policies.get(policy);
    if (!p) throw new Error(`no policy ${policy}`);
    return createSasToken({
      resourceUri: options.sr ?? 'localhost',
      key: options.key ?? p.primaryKey,
      policyName: p.name,
      expiresAt: options.expiresAt ?? Math.ceil(Date.now() / 1000) + 3600,
    });
  };
  return {
    runtime,
    dataDir,
    ca,
    token,
    call(method, pathAndQuery, options = {}) {
      const url = `${runtime.urls.https}${pathAndQuery}${pathAndQuery.includes('?') ? '' : '?api-version=2021-04-12'}`;
      return httpsRequest({
        method,
        url,
        ca,
        headers: { authorization: token(options.policy), ...options.headers },
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.raw !== undefined ? { raw: options.raw } : {}),
      });
    },
    async close() {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
