import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { ServiceCallError } from './service-client';
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
export function callAsOperator(
  target: SessionTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = {
    ...(target.token !== undefined ? { authorization: `Bearer ${target.token}` } : {}),
    ...(payload
      ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length) }
      : {}),
  };
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, target.url), {
      method,
      headers,
      ...(target.ca !== undefined ? { ca: target.ca } : {}),
      agent: false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) return reject(new ServiceCallError(status, text));
        try {
          resolve(text ? JSON.parse(text) : undefined);
        } catch {
          reject(new Error(`The hub answered ${status} with a body that is not JSON.`));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
