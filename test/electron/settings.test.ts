import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSettings, settingsPath, writeSettings } from '../../electron/src/main/settings';
import { tempUserData } from './helpers';

// What the settings module does to the disk, in order: which paths were fsync'd and renamed.
const disk = vi.hoisted(() => ({ steps: [] as string[] }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof actual.open = async (...args) => {
    const handle = await actual.open(...args);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      await sync();
      disk.steps.push(`sync ${String(args[0])}`);
    };
    return handle;
  };
  const rename: typeof actual.rename = async (from, to) => {
    await actual.rename(from, to);
    disk.steps.push(`rename ${String(from)} -> ${String(to)}`);
  };
  return { ...actual, default: { ...actual, open, rename }, open, rename };
});

let userData: Awaited<ReturnType<typeof tempUserData>>;
beforeAll(async () => {
  userData = await tempUserData();
});
afterAll(() => userData.remove());
beforeEach(() => {
  disk.steps.length = 0;
});

describe('writeSettings', () => {
  it('flushes the new file to disk before renaming it over the old one, then the folder', async () => {
    await writeSettings(userData.dir, { mode: 'remote', gatewayUrl: 'https://gw:8443/', caPem: 'PEM' });
    const file = settingsPath(userData.dir);
    const temp = `${file}.${process.pid}.tmp`;
    const expected = [`sync ${temp}`, `rename ${temp} -> ${file}`];
    // The folder is flushed too where the platform can (not on Windows).
    if (process.platform !== 'win32') expected.push(`sync ${userData.dir}`);
    expect(disk.steps).toEqual(expected);
    expect(await readSettings(userData.dir)).toEqual({
      mode: 'remote',
      gatewayUrl: 'https://gw:8443/',
      caPem: 'PEM',
    });
    expect((await readdir(userData.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('readSettings of a corrupt file', () => {
  for (const [what, text] of [
    ['an empty', ''],
    ['a cut-off', '{ "mode": "remo'],
    ['a non-object', '[1, 2]'],
  ] as const) {
    it(`moves ${what} file aside, warns, and uses the defaults`, async () => {
      const folder = await tempUserData();
      try {
        const file = settingsPath(folder.dir);
        await writeFile(file, text);
        const warnings: { message: string; fields: Record<string, unknown> }[] = [];
        const settings = await readSettings(folder.dir, (message, fields) =>
          warnings.push({ message, fields }),
        );
        expect(settings).toEqual({});
        const files = await readdir(folder.dir);
        expect(files).not.toContain('settings.json');
        const aside = files.find((f) => f.startsWith('settings.json.corrupt-')) ?? '';
        expect(aside).toMatch(/^settings\.json\.corrupt-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
        expect(await readFile(path.join(folder.dir, aside), 'utf8')).toBe(text);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]?.message).toMatch(/corrupt/);
        expect(warnings[0]?.fields.movedTo).toBe(path.join(folder.dir, aside));
        // The next write starts a fresh file; the corrupt one stays for the user to look at.
        await writeSettings(folder.dir, { mode: 'embedded' });
        expect(await readSettings(folder.dir)).toEqual({ mode: 'embedded' });
        expect(await readdir(folder.dir)).toContain(aside);
      } finally {
        await folder.remove();
      }
    });
  }
});
