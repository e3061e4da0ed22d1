import { httpsRequest, type TestResponse } from './https-client';
import type { TestHub } from './test-hub';

/** One call of the hub API as an operator (bearer token), a SAS policy, or nobody. */
export interface OperatorCall {
  method: string;
  /** Path and query; `api-version` is added to IoT Hub paths that have no query string. */
  path: string;
  /** An operator bearer token; omitted means no Authorization header unless `headers` sets one. */
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The source address (127.0.0.x), so rate-limit tests do not throttle each other. */
  localAddress?: string;
}

/** Calls a test hub's API and resolves with the whole answer. */
export function operatorCall(
  hub: Pick<TestHub, 'runtime' | 'ca'>,
  call: OperatorCall,
): Promise<TestResponse> {
  const own = call.path.startsWith('/api/') || call.path.includes('?');
  const url = `${hub.runtime.urls.https}${call.path}${own ? '' : '?api-version=2021-04-12'}`;
  const headers: Record<string, string> = {
    ...(call.token !== undefined ? { authorization: `Bearer ${call.token}` } : {}),
    ...call.headers,
  };
  return httpsRequest({
    method: call.method,
    url,
    ca: hub.ca,
    headers,
    ...(call.body !== undefined ? { body: call.body } : {}),
    ...(call.localAddress ? { localAddress: call.localAddress } : {}),
  });
}

/** Logs in and returns the token; throws unless the hub answers 200. */
export async function loginAs(
  hub: Pick<TestHub, 'runtime' | 'ca'>,
  username: string,
  password: string,
): Promise<string> {
  const res = await operatorCall(hub, {
    method: 'POST',
    path: '/api/v1/login',
    body: { username, password },
  });
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${res.text}`);
  return (res.json as { token: string }).token;
}

/** The password of the test hubs' first admin (test-hub.ts). */
export const TEST_ADMIN_PASSWORD = 'admin-password-for-tests';
