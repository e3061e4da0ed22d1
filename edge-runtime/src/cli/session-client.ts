import { readFile } from 'node:fs/promises';
import { sendJson } from './service-client';
import { loadSession, type SavedSession, sessionFilePath } from './session-file';

/** Where and how a CLI command calls a hub as a logged-in operator. */
export interface SessionTarget {
  url: URL;
  /** PEM of the CA to trust; the system's CAs (and NODE_EXTRA_CA_CERTS) when absent. */
  ca?: string;
  /** The bearer token; absent for the login call itself. */
  token?: string;
}

/** The target of the saved login (see session-file.ts), with its CA file read. */
export async function savedTarget(
  env: NodeJS.ProcessEnv,
): Promise<{ target: SessionTarget; session: SavedSession; file: string }> {
  const file = sessionFilePath(env);
  const session = await loadSession(file);
  const ca = session.ca ? await readFile(session.ca, 'utf8') : undefined;
  return {
    file,
    session,
    target: { url: new URL(session.url), token: session.token, ...(ca !== undefined ? { ca } : {}) },
  };
}

/**
 * Calls the hub's API with the bearer token and an optional JSON body; resolves with the parsed
 * JSON answer (undefined for an empty one) or rejects with ServiceCallError.
 */
export async function callAsOperator(
  target: SessionTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const bearer = target.token !== undefined ? `Bearer ${target.token}` : undefined;
  return (await sendJson(target, bearer, method, path, body)).body;
}
