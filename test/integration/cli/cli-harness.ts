import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildServiceConnectionString } from '@outpost/core';
import type { TestHub } from '../../helpers/test-hub';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** What a finished `outpost` process left: its exit code and output. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of the CLI processes: no inherited connection settings or saved login. */
export function cleanEnv(sessionFile: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OUTPOST_SESSION_FILE: sessionFile,
    OUTPOST_CONNECTION_STRING: '',
    OUTPOST_URL: '',
    OUTPOST_CA: '',
    ...extra,
  };
}

/** Runs `node bin/outpost.mjs …` as a real process and resolves with its exit code, whatever it is. */
export function runOutpost(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/outpost.mjs', ...args],
      { cwd: REPO_ROOT, env },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A policy connection string of the test hub (HostName localhost). */
export function connectionString(hub: TestHub, policy = 'iothubowner', key?: string): string {
  const p = hub.runtime.hub.policies.get(policy);
  if (!p) throw new Error(`no policy ${policy}`);
  return buildServiceConnectionString({
    hostName: 'localhost',
    policyName: p.name,
    key: key ?? p.primaryKey,
  });
}

/** The flags for connection-string authentication against the test hub. */
export function connectionFlags(hub: TestHub, policy = 'iothubowner'): string[] {
  return [
    '--url',
    hub.runtime.urls.https,
    '--ca',
    hub.runtime.paths.caPem,
    '--connection-string',
    connectionString(hub, policy),
  ];
}
