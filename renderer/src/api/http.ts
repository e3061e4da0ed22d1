/**
 * The one HTTP client of the operator UI: every screen reaches the hub through it. It adds the
 * bearer token, the IoT Hub `api-version` on IoT Hub routes, and turns the hub's error bodies
 * (`{ Message: "ErrorCode:Name;text" }`) into {@link HubApiError}s that say what happened.
 */

/** The api-version the UI sends on IoT Hub-compatible routes. */
export const API_VERSION = '2021-04-12';

/** An error answer of the hub, parsed from its IoT Hub-style body. */
export class HubApiError extends Error {
  constructor(
    readonly status: number,
    /** The IoT Hub error name, e.g. `DeviceNotFound`, `PreconditionFailed`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubApiError';
  }
}

/** A successful answer: the parsed body and the headers (etag, continuation). */
export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

/** Options of one request. */
export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is with its content type (a CSV upload), instead of `body`. */
  raw?: { text: string; contentType: string };
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** `text`: the body is returned as it came (a PEM file), not parsed as JSON. */
  responseType?: 'json' | 'text';
}

/** Where the hub is and who is calling. */
export interface HubClient {
  /** The hub's origin, '' for the page's own origin. */
  readonly baseUrl: string;
  readonly token: string | undefined;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  get<T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  put<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  del<T = void>(path: string, options?: RequestOptions): Promise<T>;
  /** A URL with the token as `access_token`, for EventSource (which cannot send headers). */
  streamUrl(path: string, query?: RequestOptions['query']): string;
}

function isIotHubPath(path: string): boolean {
  return !path.startsWith('/api/') && path !== '/health' && path !== '/metrics';
}

function buildUrl(baseUrl: string, path: string, query: RequestOptions['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  if (isIotHubPath(path) && !params.has('api-version')) params.set('api-version', API_VERSION);
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
}

/** Parses an error answer: IoT Hub's `Message: "ErrorCode:X;text"`, or plain text. */
export async function toHubApiError(res: Response): Promise<HubApiError> {
  const text = await res.text().catch(() => '');
  let message = text || res.statusText || `HTTP ${res.status}`;
  let code = `Http${res.status}`;
  try {
    const body = JSON.parse(text) as { Message?: string; message?: string };
    const raw = body.Message ?? body.message;
    if (typeof raw === 'string') {
      const m = /^ErrorCode:([^;]+);(.*)$/s.exec(raw);
      if (m) {
        code = m[1]!;
        message = m[2]!;
      } else message = raw;
    }
  } catch {
    // not JSON: keep the text
  }
  return new HubApiError(res.status, code, message);
}

/** Creates a client for the hub at `baseUrl` ('' = this page's origin). */
export function createHubClient(
  hubUrl: string,
  token?: string,
  onUnauthorized?: (err: HubApiError) => void,
): HubClient {
  // `https://host:port/` (as the desktop shell hands it over) and `https://host:port` are one origin;
  // joined with `/api/…` the first would make `//api/…`, which no route matches.
  const baseUrl = hubUrl.replace(/\/+$/, '');
  const request = async <T>(method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.raw) {
      headers['content-type'] = options.raw.contentType;
      body = options.raw.text;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let res: Response;
    try {
      res = await fetch(buildUrl(baseUrl, path, options.query), {
        method,
        headers,
        body: body ?? null,
        signal: options.signal ?? null,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new HubApiError(
        0,
        'Unreachable',
        `The hub did not answer (${(err as Error).message}). Check that it is running and reachable.`,
      );
    }
    if (!res.ok) {
      const error = await toHubApiError(res);
      // 401: maybe signed out; 403: maybe a role taken away. The session checks which.
      if ((res.status === 401 || res.status === 403) && token) onUnauthorized?.(error);
      throw error;
    }
    const text = res.status === 204 ? '' : await res.text();
    const data = (options.responseType === 'text' ? text : text ? JSON.parse(text) : undefined) as T;
    return { status: res.status, data, headers: res.headers };
  };
  const data = async <T>(p: Promise<ApiResponse<T>>) => (await p).data;
  return {
    baseUrl,
    token,
    request,
    get: (path, query, signal) => data(request('GET', path, { query, ...(signal ? { signal } : {}) })),
    post: (path, body, options) => data(request('POST', path, { ...options, body })),
    put: (path, body, options) => data(request('PUT', path, { ...options, body })),
    patch: (path, body, options) => data(request('PATCH', path, { ...options, body })),
    del: (path, options) => data(request('DELETE', path, options)),
    streamUrl: (path, query = {}) => buildUrl(baseUrl, path, { ...query, access_token: token }),
  };
}
