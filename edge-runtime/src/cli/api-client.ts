import { access } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Command } from 'commander';
import { type RawBody, sendRaw } from './raw-request';
import {
  type ApiAnswer,
  authorization,
  resolveConnection,
  ServiceCallError,
  sendJson,
  withConnectionOptions,
} from './service-client';
import { savedTarget } from './session-client';
import { sessionFilePath } from './session-file';

/** The api-version the CLI sends on the IoT Hub-compatible routes (they refuse calls without one). */
export const API_VERSION = '2021-04-12';

/** The hub's API as either a connection-string policy or the saved operator login. */
export interface ApiClient {
  /** The hub API base, e.g. https://hub.site1.lan:8443. */
  readonly url: URL;
  /** How the calls authenticate, for messages: `policy service` or `login admin`. */
  readonly identity: string;
  /** One call; rejects with an Error whose message says what went wrong and what to do. */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiAnswer>;
  /** `call` for the body only. */
  json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** A call with a body sent as is (CSV, a JSON file); resolves with the unread 2xx answer (downloads). */
  raw(method: string, path: string, body?: RawBody): Promise<IncomingMessage>;
}

/** Adds `--url`, `--ca` and `--connection-string` (without them, the saved login is used). */
export function withApiOptions(command: Command): Command {
  return withConnectionOptions(command);
}

/**
 * An IoT Hub route with `api-version` and the given query parameters; `segments` are encoded
 * with encodeURIComponent, e.g. `hubPath(['devices', id])` → `/devices/a%2Fb?api-version=…`.
 */
export function hubPath(segments: string[], params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams({ 'api-version': API_VERSION });
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  return `/${segments.map(encodeURIComponent).join('/')}?${query}`;
}

const LOGIN_HINT = 'outpost login --url https://<hub>:8443 [--ca <hub-ca.pem>]';
const CONN_HINT = '--connection-string (or OUTPOST_CONNECTION_STRING) with --url/--ca';

/**
 * The API client the options and environment give: a connection string (flag or
 * OUTPOST_CONNECTION_STRING) when present, else the saved login of `outpost login`.
 */
export async function resolveApiClient(
  opts: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Promise<ApiClient> {
  const cs =
    typeof opts.connectionString === 'string' && opts.connectionString !== ''
      ? opts.connectionString
      : env.OUTPOST_CONNECTION_STRING;
  if (cs) {
    const conn = await resolveConnection(opts, env);
    return createClient(conn, () => authorization(conn), `policy ${conn.policyName}`, 'sas');
  }
  const file = sessionFilePath(env);
  try {
    await access(file);
  } catch {
    throw new Error(`Not logged in (no ${file}): run \`${LOGIN_HINT}\`, or give ${CONN_HINT}.`);
  }
  const { target, session } = await savedTarget(env);
  const who = session.user ? `login ${session.user.name} (${session.user.role})` : 'the saved login';
  return createClient(target, () => `Bearer ${target.token}`, who, 'login');
}

function createClient(
  target: { url: URL; ca?: string },
  authorize: () => string,
  identity: string,
  kind: 'sas' | 'login',
): ApiClient {
  const call: ApiClient['call'] = async (method, path, options = {}) => {
    try {
      return await sendJson(target, authorize(), method, path, options.body, options.headers);
    } catch (err) {
      throw explain(err, target.url, identity, kind);
    }
  };
  return {
    url: target.url,
    identity,
    call,
    async json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
      return (
        await call(method, path, { ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) })
      ).body as T;
    },
    async raw(method: string, path: string, body?: RawBody) {
      try {
        return await sendRaw(target, authorize(), method, path, body);
      } catch (err) {
        throw explain(err, target.url, identity, kind);
      }
    },
  };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The error with a sentence saying what to do about it. */
function explain(err: unknown, url: URL, identity: string, kind: 'sas' | 'login'): Error {
  const origin = url.origin;
  if (err instanceof ServiceCallError) {
    let hint: string | undefined;
    if (err.status === 401) {
      hint =
        kind === 'login'
          ? `the saved login expired or was revoked, or ${identity} lacks the right: run \`${LOGIN_HINT}\` again`
          : `the token expired or the policy lacks the right: check the key and policy of the connection string (${identity}) and the clocks`;
    } else if (err.status === 403) {
      hint = `${identity} lacks the role this needs: ask an admin, or use a connection string of a policy that has the right`;
    }
    return new Error(hint ? `${err.message}\nhint: ${hint}` : err.message, { cause: err });
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return new Error(
      `Cannot reach the hub at ${origin} (${code}): is the hub running at ${origin}? Check --url / OUTPOST_URL or the saved login.`,
      { cause: err },
    );
  }
  if (typeof code === 'string' && UNTRUSTED.has(code)) {
    return new Error(
      `The certificate of ${origin} is not trusted (${code}): give the hub's CA with --ca <file> / OUTPOST_CA (or log in with --ca).`,
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Options of a paged read: at most `top` items, or every item with `all`. */
export interface PageOptions {
  top?: number;
  all?: boolean;
  pageSize?: number;
}

/**
 * Follows `x-ms-continuation` pages of a query-like call until `top` items (default one page) or,
 * with `all`, the end; `more` tells whether items were left.
 */
export async function readPages<T>(
  client: ApiClient,
  method: string,
  path: string,
  body: unknown,
  options: PageOptions,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let continuation: string | undefined;
  const limit = options.all ? Number.POSITIVE_INFINITY : options.top;
  for (;;) {
    const remaining = limit === undefined ? undefined : limit - items.length;
    const size = Math.min(options.pageSize ?? 100, remaining ?? 100, 100);
    const headers: Record<string, string> = { 'x-ms-max-item-count': String(size) };
    if (continuation) headers['x-ms-continuation'] = continuation;
    const answer = await client.call(method, path, { ...(body !== undefined ? { body } : {}), headers });
    const page = Array.isArray(answer.body) ? (answer.body as T[]) : [];
    items.push(...page);
    const next = answer.headers['x-ms-continuation'];
    continuation = typeof next === 'string' && next !== '' ? next : undefined;
    if (!continuation) return { items, more: false };
    if (limit === undefined || items.length >= limit) return { items: items.slice(0, limit), more: true };
  }
}
