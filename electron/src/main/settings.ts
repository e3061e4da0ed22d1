import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** `<userData>/settings.json`: how the desktop app reaches its hub. Every field is optional. */
export interface DesktopSettings {
  /** `embedded` (default): run a hub inside the app. `remote`: open a gateway's hub. */
  mode?: 'embedded' | 'remote';
  /** Remote mode: the gateway's HTTPS URL, e.g. `https://gateway.site.lan:8443/`. */
  gatewayUrl?: string;
  /** Remote mode: the PEM of the gateway's CA, pinned once the user accepted it. */
  caPem?: string;
}

/**
 * The mode the app starts in, resolved from the environment and the settings file. A remote
 * choice says where it came from: `env` (OUTPOST_REMOTE_URL, for this launch only) or `settings`.
 */
export type ModeChoice =
  | { mode: 'embedded' }
  | { mode: 'remote'; from: 'env' | 'settings'; gatewayUrl: string; caPem?: string; caSource?: string };

/** The settings file of a user data folder. */
export function settingsPath(userDataDir: string): string {
  return path.join(userDataDir, 'settings.json');
}

/** A name for a corrupt settings file moved aside: `settings.json.corrupt-<UTC timestamp>`. */
function corruptName(file: string, now: Date): string {
  return `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Reads the settings; a missing file is `{}`. A file that is not a JSON object (empty, cut off
 * by a crash, garbage) is moved aside to `settings.json.corrupt-<timestamp>` with a warning and
 * the defaults (embedded mode) are used: the app must still start. A well-formed file with a
 * wrong value is an error that names the file (the user wrote it, and should fix it).
 */
export async function readSettings(
  userDataDir: string,
  log: (message: string, fields: Record<string, unknown>) => void = () => {},
): Promise<DesktopSettings> {
  const file = settingsPath(userDataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let value: unknown;
  let problem: string | undefined;
  try {
    value = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) problem = 'it is not a JSON object';
  } catch (err) {
    problem = `it is not valid JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  if (problem) {
    const aside = corruptName(file, new Date());
    try {
      await rename(file, aside);
      log('settings file is corrupt; moved it aside and using the defaults', {
        file,
        movedTo: aside,
        problem,
      });
    } catch (err) {
      log('settings file is corrupt; using the defaults', { file, problem, moveError: String(err) });
    }
    return {};
  }
  const { mode, gatewayUrl, caPem } = value as Record<string, unknown>;
  if (mode !== undefined && mode !== 'embedded' && mode !== 'remote') {
    throw new Error(`${file}: mode must be "embedded" or "remote".`);
  }
  return {
    ...(mode ? { mode } : {}),
    ...(typeof gatewayUrl === 'string' ? { gatewayUrl } : {}),
    ...(typeof caPem === 'string' ? { caPem } : {}),
  };
}

/**
 * Writes the settings atomically and durably (a crash or power loss mid-write must not lose the
 * pinned CA, nor leave an empty file): a temp file, flushed to disk, renamed over the old one,
 * then the folder flushed so the rename itself survives.
 */
export async function writeSettings(userDataDir: string, settings: DesktopSettings): Promise<void> {
  const file = settingsPath(userDataDir);
  await mkdir(userDataDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(settings, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => {});
    throw err;
  }
  await syncFolder(userDataDir);
}

/** Flushes a folder's entries to disk, where the platform allows it (not on Windows): best effort. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Opening or syncing a folder is not supported everywhere; the file itself is on disk already.
  }
}

/**
 * Picks the mode: `OUTPOST_REMOTE_URL` (with `OUTPOST_REMOTE_CA`, a PEM file) wins over the
 * settings file; without either the app embeds its own hub. A CA pinned in the settings for the
 * same gateway is reused, so the user accepts a gateway's CA only once.
 */
export async function chooseMode(
  env: Readonly<Record<string, string | undefined>>,
  settings: DesktopSettings,
): Promise<ModeChoice> {
  const envUrl = env.OUTPOST_REMOTE_URL?.trim();
  if (envUrl) {
    const caFile = env.OUTPOST_REMOTE_CA?.trim();
    if (caFile) {
      const caPem = await readFile(caFile, 'utf8').catch((err: unknown) => {
        throw new Error(`OUTPOST_REMOTE_CA: cannot read ${caFile} (${String(err)}).`);
      });
      return { mode: 'remote', from: 'env', gatewayUrl: envUrl, caPem, caSource: caFile };
    }
    const pinned = settings.caPem && sameOrigin(settings.gatewayUrl, envUrl) ? settings.caPem : undefined;
    return { mode: 'remote', from: 'env', gatewayUrl: envUrl, ...(pinned ? { caPem: pinned } : {}) };
  }
  if (settings.mode === 'remote' && settings.gatewayUrl) {
    return {
      mode: 'remote',
      from: 'settings',
      gatewayUrl: settings.gatewayUrl,
      ...(settings.caPem ? { caPem: settings.caPem } : {}),
    };
  }
  return { mode: 'embedded' };
}

function sameOrigin(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
