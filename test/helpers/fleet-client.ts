import { httpsRequest, type TestResponse } from './https-client';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from './operator-client';
import type { TestHub } from './test-hub';

/** Bearer tokens of one account per role. */
export type RoleTokens = Record<'admin' | 'operator' | 'viewer', string>;

/** Creates `op1` (operator) and `view1` (viewer) and logs all three roles in. */
export async function roleTokens(hub: Pick<TestHub, 'runtime' | 'ca'>): Promise<RoleTokens> {
  const admin = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
  for (const [name, role] of [
    ['op1', 'operator'],
    ['view1', 'viewer'],
  ] as const) {
    const body = { name, role, password: `${name}-password` };
    const res = await operatorCall(hub, { method: 'POST', path: '/api/v1/users', token: admin, body });
    if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${res.text}`);
  }
  return {
    admin,
    operator: await loginAs(hub, 'op1', 'op1-password'),
    viewer: await loginAs(hub, 'view1', 'view1-password'),
  };
}

/** The `ErrorCode:` name of an IoT Hub error body. */
export function errorCodeOf(text: string): string | undefined {
  return /ErrorCode:([^;]*);/.exec(text)?.[1];
}

/** POSTs a raw body with a content type and a bearer token. */
export function postRaw(
  hub: Pick<TestHub, 'runtime' | 'ca'>,
  path: string,
  body: string,
  contentType: string,
  token: string,
): Promise<TestResponse> {
  return httpsRequest({
    method: 'POST',
    url: `${hub.runtime.urls.https}${path}`,
    ca: hub.ca,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    raw: body,
  });
}

/** One audit entry as the tests read it. */
export interface AuditItem {
  id: string;
  actor: { type: string; id: string };
  patch: Record<string, unknown>;
}

/** The audit entries of a device (or of every record when `deviceId` is empty) of one kind. */
export async function auditItems(
  hub: Pick<TestHub, 'runtime' | 'ca'>,
  token: string,
  deviceId: string,
  kind: string,
): Promise<AuditItem[]> {
  const query = `${deviceId ? `deviceId=${deviceId}&` : ''}kind=${kind}`;
  const res = await operatorCall(hub, { method: 'GET', path: `/api/v1/audit?${query}`, token });
  if (res.status !== 200) throw new Error(`audit: ${res.status} ${res.text}`);
  return (res.json as { items: AuditItem[] }).items;
}
