import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
let token: string;

beforeAll(async () => {
  hub = await startTestHub({}, { uiDir: false });
  token = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
  for (const id of ['aud-1', 'aud-2', 'aud-3']) await hub.call('PUT', `/devices/${id}`, { body: {} });
  await hub.call('PATCH', '/twins/aud-2', {
    body: { tags: { site: 'Lyon' } },
    headers: { 'if-match': '*' },
  });
});
afterAll(() => hub.close());

interface Page {
  items: { seq: number; id: string; kind: string }[];
  nextAfterSeq: number | null;
  nextBeforeSeq?: number | null;
}
const audit = async (query: string) => {
  const res = await operatorCall(hub, { method: 'GET', path: `/api/v1/audit?${query}`, token });
  return { status: res.status, page: res.json as Page, text: res.text };
};

describe('GET /api/v1/audit search and newest-first paging', () => {
  it('finds entries by text and pages newest first with beforeSeq', async () => {
    const found = await audit('text=lyon');
    expect(found.page.items.map((e) => [e.id, e.kind])).toEqual([['aud-2', 'twinTagsChanged']]);
    const first = await audit('order=newest&limit=2');
    expect(first.page.items.map((e) => e.id)).toEqual(['aud-2', 'aud-3']);
    expect(first.page.nextAfterSeq).toBeNull();
    const older = await audit(`order=newest&limit=2&beforeSeq=${first.page.nextBeforeSeq}`);
    expect(older.page.items.map((e) => e.id)).toEqual(['aud-2', 'aud-1']);
    expect(older.page.nextBeforeSeq).toBeNull();
    const bad = await audit('beforeSeq=3');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/order=newest/);
  });
});
