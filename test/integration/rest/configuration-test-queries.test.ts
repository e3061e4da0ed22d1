/** `POST /configurations/testQueries` over REST: errors in place and the live count, for viewers too. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
  const entries = ['t-1', 't-2', 't-3'].map((id, i) => ({
    id,
    importMode: 'create',
    tags: { site: i < 2 ? 'lisbon' : 'porto' },
  }));
  expect((await hub.call('POST', '/devices', { body: entries })).status).toBe(200);
});
afterAll(() => hub.close());

describe('POST /configurations/testQueries', () => {
  it('answers the devices a condition matches, and errors without failing', async () => {
    const ok = await hub.call('POST', '/configurations/testQueries', {
      body: { targetCondition: "tags.site = 'lisbon'", customMetricQueries: { bad: 'SELECT' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ targetConditionError: '', targetedCount: 2 });
    expect(
      (ok.json as { customMetricQueryErrors: Record<string, string> }).customMetricQueryErrors.bad,
    ).toMatch(/metrics|SELECT|expected/i);
    const all = await hub.call('POST', '/configurations/testQueries', { body: { targetCondition: '*' } });
    expect((all.json as { targetedCount: number }).targetedCount).toBe(3);
    const bad = await hub.call('POST', '/configurations/testQueries', {
      body: { targetCondition: 'properties.desired.x = 1' },
    });
    expect(bad.status).toBe(200);
    expect(bad.json).toMatchObject({ targetConditionError: expect.stringMatching(/desired/) });
    expect((bad.json as { targetedCount?: number }).targetedCount).toBeUndefined();
  });

  it('is a read: a viewer may call it; a malformed body is 400', async () => {
    const admin = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
    const created = await operatorCall(hub, {
      method: 'POST',
      path: '/api/v1/users',
      token: admin,
      body: { name: 'tq-viewer', role: 'viewer', password: 'tq-viewer-password' },
    });
    expect(created.status).toBe(201);
    const token = await loginAs(hub, 'tq-viewer', 'tq-viewer-password');
    const res = await operatorCall(hub, {
      method: 'POST',
      path: '/configurations/testQueries',
      token,
      body: { targetCondition: "tags.site = 'porto'" },
    });
    expect(res.status).toBe(200);
    expect((res.json as { targetedCount: number }).targetedCount).toBe(1);
    const malformed = await hub.call('POST', '/configurations/testQueries', { body: [1] });
    expect(malformed.status).toBe(400);
  });
});
