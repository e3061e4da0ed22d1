import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../electron/scripts/build';
import { tempUserData } from './helpers';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stub = path.join(repo, 'test/electron/bundle/register-electron-stub.mjs');

// Built inside the repository (in the ignored .tmp/), so the bundle finds node_modules as it
// does from electron/dist.
let outDir: string;
beforeAll(async () => {
  await mkdir(path.join(repo, '.tmp'), { recursive: true });
  outDir = await mkdtemp(path.join(repo, '.tmp', 'electron-bundle-'));
  await buildElectron(outDir);
}, 120_000);
afterAll(() => rm(outDir, { recursive: true, force: true }));

function run(script: string, env: Record<string, string>): Promise<{ code: number; lines: unknown[] }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', stub, script],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout) => {
        const lines = stdout
          .split('\n')
          .filter((l) => l.startsWith('{"event"'))
          .map((l) => JSON.parse(l) as unknown);
        resolve({ code: err ? Number(err.code ?? 1) : 0, lines });
      },
    );
  });
}

describe('the bundled main process', () => {
  it('builds main.js (ESM) and preload.cjs (CommonJS requiring only electron)', async () => {
    expect(existsSync(path.join(outDir, 'main.js'))).toBe(true);
    const preload = await readFile(path.join(outDir, 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('starts the embedded hub, signs the window in once with its token, and closes the hub on quit', async () => {
    const userData = await tempUserData();
    try {
      const { code, lines } = await run(path.join(outDir, 'main.js'), {
        STUB_APP_DATA: userData.dir,
        OUTPOST_HTTPS_PORT: '0',
        OUTPOST_MQTTS_PORT: '0',
        OUTPOST_UI_DIR: path.join(userData.dir, 'no-ui'),
        OUTPOST_REMOTE_URL: '',
      });
      expect(lines).toContainEqual({ event: 'verify-proc' });
      expect(lines).toContainEqual({ event: 'csp' });
      const load = lines.find((l) => (l as { event: string }).event === 'load') as Record<string, unknown>;
      expect(load.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
      expect(load).toMatchObject({
        preload: path.join(outDir, 'preload.cjs'),
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
      });
      expect(lines).toContainEqual({ event: 'login', first: 200, second: 401 });
      expect(lines).toContainEqual({ event: 'quit', held: true });
      expect(lines.at(-1)).toEqual({ event: 'exit', code: 0 });
      expect(code).toBe(0);
      // <appData>/Outpost, as packaged, not <appData>/Electron.
      expect(existsSync(path.join(userData.dir, 'Outpost', 'hub', 'hub.json'))).toBe(true);
    } finally {
      await userData.remove();
    }
  });
});
