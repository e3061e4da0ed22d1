import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A saved operator login, as `outpost login` writes it. */
export interface SavedSession {
  /** The hub API, e.g. https://hub.site1.lan:8443. */
  url: string;
  /** Absolute path of the PEM file of the hub's CA; absent means the system's CAs. */
  ca?: string;
  /** The bearer token: a secret, hence the file's mode 0600. */
  token: string;
  expiresAt: string;
  user?: { name: string; role: string };
}

/** Where the session is saved: `OUTPOST_SESSION_FILE`, else `~/.config/outpost/session.json`. */
export function sessionFilePath(env: NodeJS.ProcessEnv): string {
  const override = env.OUTPOST_SESSION_FILE;
  if (override) return path.resolve(override);
  return path.join(os.homedir(), '.config', 'outpost', 'session.json');
}

/** Writes the session readable by its owner only (0600), replacing any older one atomically. */
export async function saveSession(file: string, session: SavedSession): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  // The mode option is masked by the umask; chmod makes 0600 hold whatever the umask is.
  await chmod(temp, 0o600);
  await rename(temp, file);
}

/** Reads the saved session; a clear error when there is none or it has expired. */
export async function loadSession(file: string, now = Date.now()): Promise<SavedSession> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`Not logged in (no ${file}). Run: outpost login --url https://<hub>:8443 --user <name>`);
  }
  const session = JSON.parse(text) as SavedSession;
  if (typeof session.url !== 'string' || typeof session.token !== 'string') {
    throw new Error(`${file} is not an outpost session. Run outpost login again.`);
  }
  if (Date.parse(session.expiresAt) <= now) {
    throw new Error(`The login saved in ${file} expired at ${session.expiresAt}. Run outpost login again.`);
  }
  return session;
}

/** Removes the saved session; true when there was one. */
export async function removeSession(file: string): Promise<boolean> {
  try {
    await rm(file);
    return true;
  } catch {
    return false;
  }
}
