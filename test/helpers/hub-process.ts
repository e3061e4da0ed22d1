import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OWNER_KEY } from './test-hub';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A hub started as a real `outpost start` child process. */
export interface HubProcess {
  child: ChildProcess;
  httpsUrl: string;
  stdout(): string;
  /** Sends a signal and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node bin/outpost.mjs start` on loopback with ephemeral ports and waits until it prints its URL. */
export async function startHubProcess(dataDir: string, extraArgs: string[] = []): Promise<HubProcess> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin/outpost.mjs'),
      'start',
      '--data-dir',
      dataDir,
      '--bind',
      '127.0.0.1',
      '--host-name',
      'localhost',
      '--https-port',
      '0',
      '--mqtts-port',
      '0',
      '--log-level',
      'warn',
      ...extraArgs,
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        OUTPOST_IOTHUBOWNER_KEY: OWNER_KEY,
        OUTPOST_ADMIN_PASSWORD: 'test-admin-password',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const httpsUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start in 30 s:\n${out}\n${err}`)), 30_000);
    const onData = () => {
      // Wait for the whole banner (it ends with the CA line), not just its first line.
      const m = /HTTPS API\s+(https:\/\/\S+)[\s\S]*Hub CA/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before starting:\n${out}\n${err}`));
    });
  });
  return {
    child,
    httpsUrl,
    stdout: () => out,
    async kill(signal) {
      child.kill(signal);
      return exited;
    },
  };
}
