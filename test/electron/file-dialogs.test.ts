import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTextFile, readRegularFile } from '../../electron/src/main/file-dialogs';
import { FakeBrowserWindow, FakeDialog } from './fake-electron';
import { tempUserData } from './helpers';

const posix = process.platform !== 'win32';
const MAX = 64 * 1024 * 1024;

let files: Awaited<ReturnType<typeof tempUserData>>;
beforeAll(async () => {
  files = await tempUserData();
});
afterAll(() => files.remove());

/** The page asks to open a file and the user picks `file`. */
function openPicked(file: string) {
  const dialog = new FakeDialog();
  dialog.openAnswers.push({ canceled: false, filePaths: [file] });
  return openTextFile(dialog, new FakeBrowserWindow({}), {});
}

describe('opening a file for the page', () => {
  it.runIf(posix)('refuses /dev/zero, which reports a size of 0, without reading it', async () => {
    await expect(openPicked('/dev/zero')).rejects.toThrow(/zero is not a regular file/);
  });

  it.runIf(posix)('refuses a named pipe without blocking on it', async () => {
    const fifo = path.join(files.dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    await expect(openPicked(fifo)).rejects.toThrow(/pipe\.csv is not a regular file/);
  });

  it('refuses a folder, saying it is not a file', async () => {
    await expect(openPicked(files.dir)).rejects.toThrow(/is not a regular file/);
  });

  it('refuses a file over 64 MiB', async () => {
    const big = path.join(files.dir, 'big.csv');
    const handle = await open(big, 'w');
    await handle.truncate(MAX + 1);
    await handle.close();
    await expect(openPicked(big)).rejects.toThrow(`big.csv is ${MAX + 1} bytes; files up to ${MAX} bytes`);
  });

  it('opens a file of exactly the limit', async () => {
    const file = path.join(files.dir, 'ten.csv');
    await writeFile(file, '0123456789');
    expect((await readRegularFile(file, 10)).toString()).toBe('0123456789');
    await expect(readRegularFile(file, 9)).rejects.toThrow(/ten\.csv is 10 bytes; files up to 9 bytes/);
  });

  const procFile = '/proc/self/status';
  it.runIf(existsSync(procFile))('stops reading past the limit a file whose size says 0', async () => {
    // /proc files are regular files that report a size of 0 whatever they hold.
    expect((await stat(procFile)).size).toBe(0);
    expect((await readRegularFile(procFile, MAX)).toString()).toMatch(/^Name:/);
    await expect(readRegularFile(procFile, 16)).rejects.toThrow(/status is more than 16 bytes/);
  });
});
