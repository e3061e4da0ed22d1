import https from 'node:https';

/** A response as the tests see it. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body (undefined when the body is empty or not JSON). */
  json: unknown;
}

/** Options of one request. */
export interface TestRequest {
  method: string;
  url: string;
  ca: string;
  headers?: Record<string, string>;
  /** A value to send as JSON, or a raw string/Buffer sent as is. */
  body?: unknown;
  raw?: string | Buffer;
  /** The source address (127.0.0.x), e.g. so rate-limit tests do not throttle each other. */
  localAddress?: string;
}

/** Sends one HTTPS request with the hub's CA and resolves with the whole answer. */
export function httpsRequest(req: TestRequest): Promise<TestResponse> {
  const payload =
    req.raw !== undefined
      ? Buffer.from(req.raw)
      : req.body !== undefined
        ? Buffer.from(JSON.stringify(req.body))
        : undefined;
  const headers: Record<string, string> = { ...req.headers };
  if (payload) {
    headers['content-length'] = String(payload.length);
    if (req.raw === undefined && !('content-type' in headers))
      headers['content-type'] = 'application/json; charset=utf-8';
  }
  return new Promise((resolve, reject) => {
    const options = {
      method: req.method,
      headers,
      ca: req.ca,
      agent: false,
      ...(req.localAddress ? { localAddress: req.localAddress } : {}),
    };
    const r = https.request(req.url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    r.on('error', reject);
    if (payload) r.write(payload);
    r.end();
  });
}
