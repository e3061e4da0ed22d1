import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { ServiceCallError } from './service-client';

/** A non-JSON request body: the bytes and their content type (CSV or JSON files sent as they are). */
export interface RawBody {
  data: Buffer | string;
  contentType: string;
}

/**
 * One HTTPS call whose body is sent as is and whose answer is handed back unread, for uploads and
 * streamed downloads; resolves with the 2xx response (the caller reads it) or rejects with
 * ServiceCallError after reading an error answer.
 */
export function sendRaw(
  target: { url: URL; ca?: string },
  authorizationHeader: string,
  method: string,
  path: string,
  body?: RawBody,
  extraHeaders: Record<string, string> = {},
): Promise<IncomingMessage> {
  const payload = body === undefined ? undefined : Buffer.from(body.data);
  const headers: Record<string, string> = {
    authorization: authorizationHeader,
    ...(payload && body
      ? { 'content-type': body.contentType, 'content-length': String(payload.length) }
      : {}),
    ...extraHeaders,
  };
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, target.url), {
      method,
      headers,
      ...(target.ca !== undefined ? { ca: target.ca } : {}),
      agent: false,
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status <= 299) return resolve(res);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(new ServiceCallError(status, Buffer.concat(chunks).toString('utf8'))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Reads a whole response as JSON (undefined when empty). */
export async function readJson(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw new Error(`The hub answered ${res.statusCode} with a body that is not JSON.`);
  }
}
