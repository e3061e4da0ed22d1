import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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

/** The mode the app starts in, resolved from the environment and the settings file. */
export type ModeChoice =
  | { mode: 'embedded' }
  | { mode: 'remote'; gatewayUrl: string; caPem?: string; caSource?: string };

/** The settings file of a user data folder. */
export function settingsPath(userDataDir: string): string {
  return path.join(userDataDir, 'settings.json');
}

/** Reads the settings; a missing file is `{}`, an unreadable one an error that names the file. */
export async function readSettings(userDataDir: string): Promise<DesktopSettings> {
  const file = settingsPath(userDataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; fix or delete it.`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${file} must hold a JSON object such as {"mode": "embedded"}.`);
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

/** Writes the settings atomically (a crash mid-write must not lose the pinned CA). */
export async function writeSettings(userDataDir: string, settings: DesktopSettings): Promise<void> {
  const file = settingsPath(userDataDir);
  await mkdir(userDataDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
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
      return { mode: 'remote', gatewayUrl: envUrl, caPem, caSource: caFile };
    }
    const pinned = settings.caPem && sameOrigin(settings.gatewayUrl, envUrl) ? settings.caPem : undefined;
    return { mode: 'remote', gatewayUrl: envUrl, ...(pinned ? { caPem: pinned } : {}) };
  }
  if (settings.mode === 'remote' && settings.gatewayUrl) {
    return {
      mode: 'remote',
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
