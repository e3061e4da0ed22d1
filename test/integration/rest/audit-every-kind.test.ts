/**
 * The audit trail covers every change kind: one scenario over the public HTTP API (as operator
 * `ops`, or `admin` for user management) and a real MQTT device makes at least one change of each
 * kind in `changeKindSchema.options`, then `GET /api/v1/audit` must show each with the right actor
 * and record id, and no entry may carry a password, hash, key or token.
 *
 * A change kind added later without an entry in COVERAGE (or UNTRIGGERABLE) fails this test.
 */
import { type Actor, type ChangeKind, changeKindSchema } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestResponse } from '../../helpers/https-client';
import { connectDevice, deviceToken, ridOf, type TestDevice } from '../../helpers/mqtt-device';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { OWNER_KEY, startTestHub, type TestHub } from '../../helpers/test-hub';

/** One audit entry as `GET /api/v1/audit` shows it. */
interface AuditEntry {
  seq: number;
  actor: Actor;
  kind: ChangeKind;
  id: string;
  deviceId?: string;
  patch: unknown;
}

const DEVICE = 'audit-dev';
const GONE = 'audit-gone';
const TWIN_JOB = 'audit-twin-job';
const LATER_JOB = 'audit-later-job';
const CONFIG = 'audit-cfg';
const ALERT = 'audit-alert';
const OPS_PASSWORD = 'ops-password-for-audit';
const TEMP_PASSWORDS = ['temp-password-first', 'temp-password-second'];

const ops: Actor = { type: 'user', id: 'ops' };
const admin: Actor = { type: 'user', id: 'admin' };
const device: Actor = { type: 'device', id: DEVICE };
const twinJob: Actor = { type: 'job', id: TWIN_JOB };
const configuration: Actor = { type: 'system', id: `configuration:${CONFIG}` };

/** The steps of the scenario, run in this order; each makes the changes COVERAGE names it for. */
type Step =
  | 'manage users'
  | 'create, rotate and delete devices'
  | 'patch the twin'
  | 'device reports properties'
  | 'reboot the device'
  | 'run a twin job'
  | 'cancel a scheduled job'
  | 'apply, update and delete a configuration'
  | 'save and delete an alert rule';

/** An entry that must be in the audit: who made it, about which record. */
interface Expected {
  actor: Actor;
  id: string;
}

/** Every change kind → the step that triggers it and the entries it must leave. */
const COVERAGE: Partial<Record<ChangeKind, { step: Step; expect: Expected[] }>> = {
  userCreated: { step: 'manage users', expect: [{ actor: admin, id: 'ops' }] },
  userRoleChanged: { step: 'manage users', expect: [{ actor: admin, id: 'temp' }] },
  userPasswordChanged: { step: 'manage users', expect: [{ actor: admin, id: 'temp' }] },
  userDeleted: { step: 'manage users', expect: [{ actor: admin, id: 'temp' }] },
  deviceCreated: {
    step: 'create, rotate and delete devices',
    expect: [
      { actor: ops, id: DEVICE },
      { actor: ops, id: GONE },
    ],
  },
  deviceUpdated: { step: 'create, rotate and delete devices', expect: [{ actor: ops, id: DEVICE }] },
  deviceDeleted: { step: 'create, rotate and delete devices', expect: [{ actor: ops, id: GONE }] },
  twinTagsChanged: { step: 'patch the twin', expect: [{ actor: ops, id: DEVICE }] },
  twinDesiredChanged: {
    step: 'patch the twin',
    // The operator's own patch, then the twin job's and the configuration's writes.
    expect: [
      { actor: ops, id: DEVICE },
      { actor: twinJob, id: DEVICE },
      { actor: configuration, id: DEVICE },
    ],
  },
  twinReportedChanged: { step: 'device reports properties', expect: [{ actor: device, id: DEVICE }] },
  deviceOperationInvoked: { step: 'reboot the device', expect: [{ actor: ops, id: DEVICE }] },
  jobCreated: {
    step: 'run a twin job', // and 'cancel a scheduled job'
    expect: [
      { actor: ops, id: TWIN_JOB },
      { actor: ops, id: LATER_JOB },
    ],
  },
  jobUpdated: {
    step: 'run a twin job', // and 'cancel a scheduled job'
    // The runner moves its own job along; a cancel is the operator's.
    expect: [
      { actor: twinJob, id: TWIN_JOB },
      { actor: ops, id: LATER_JOB },
    ],
  },
  jobDevicesUpdated: { step: 'run a twin job', expect: [{ actor: twinJob, id: TWIN_JOB }] },
  configurationCreated: {
    step: 'apply, update and delete a configuration',
    expect: [{ actor: ops, id: CONFIG }],
  },
  configurationUpdated: {
    step: 'apply, update and delete a configuration',
    expect: [{ actor: ops, id: CONFIG }],
  },
  configurationDeleted: {
    step: 'apply, update and delete a configuration',
    expect: [{ actor: ops, id: CONFIG }],
  },
  twinConfigurationsChanged: {
    step: 'apply, update and delete a configuration',
    expect: [{ actor: configuration, id: DEVICE }],
  },
  alertRuleSaved: { step: 'save and delete an alert rule', expect: [{ actor: ops, id: ALERT }] },
  alertRuleDeleted: { step: 'save and delete an alert rule', expect: [{ actor: ops, id: ALERT }] },
};

/**
 * Kinds no public API can trigger. policyKeysChanged: `PolicyStore.setKeys` has no route (and no
 * CLI command) in this version; policy keys are fixed at hub creation.
 */
const UNTRIGGERABLE: ReadonlyMap<ChangeKind, string> = new Map([
  ['policyKeysChanged', 'PolicyStore.setKeys has no HTTP route'],
]);

let hub: TestHub;
let mqttDevice: TestDevice | undefined;
/** Everything that must never appear in the audit. */
const secrets = new Set<string>([TEST_ADMIN_PASSWORD, OPS_PASSWORD, ...TEMP_PASSWORDS, OWNER_KEY]);
const tokens = { admin: '', ops: '' };
let deviceKey = '';

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  operatorCall(hub, {
    method,
    path,
    token: tokens.ops,
    ...(body !== undefined ? { body } : {}),
    ...(headers ? { headers } : {}),
  });
const asAdmin = (method: string, path: string, body?: unknown) =>
  operatorCall(hub, { method, path, token: tokens.admin, ...(body !== undefined ? { body } : {}) });

function ok(res: TestResponse, status = 200): TestResponse {
  expect(res.status, res.text).toBe(status);
  return res;
}

function keysOf(res: TestResponse): { primaryKey: string; secondaryKey: string } {
  return (res.json as { authentication: { symmetricKey: { primaryKey: string; secondaryKey: string } } })
    .authentication.symmetricKey;
}

function remember(keys: { primaryKey: string; secondaryKey: string }): void {
  secrets.add(keys.primaryKey);
  secrets.add(keys.secondaryKey);
}

async function twinOf(id: string): Promise<Record<string, unknown>> {
  return ok(await call('GET', `/twins/${id}`)).json as Record<string, unknown>;
}

const STEPS: Record<Step, () => Promise<void>> = {
  async 'manage users'() {
    ok(
      await asAdmin('POST', '/api/v1/users', { name: 'ops', role: 'operator', password: OPS_PASSWORD }),
      201,
    );
    tokens.ops = await loginAs(hub, 'ops', OPS_PASSWORD);
    secrets.add(tokens.ops);
    const temp = { name: 'temp', role: 'viewer', password: TEMP_PASSWORDS[0] };
    ok(await asAdmin('POST', '/api/v1/users', temp), 201);
    ok(await asAdmin('PATCH', '/api/v1/users/temp', { role: 'operator' }));
    ok(await asAdmin('PUT', '/api/v1/users/temp/password', { password: TEMP_PASSWORDS[1] }), 204);
    ok(await asAdmin('DELETE', '/api/v1/users/temp'), 204);
  },

  async 'create, rotate and delete devices'() {
    remember(keysOf(ok(await call('PUT', `/devices/${DEVICE}`, { deviceId: DEVICE }))));
    const rotated = keysOf(ok(await call('POST', `/api/v1/devices/${DEVICE}/rotate-keys`)));
    remember(rotated);
    deviceKey = rotated.primaryKey;
    remember(keysOf(ok(await call('PUT', `/devices/${GONE}`, { deviceId: GONE }))));
    ok(await call('DELETE', `/devices/${GONE}`, undefined, { 'if-match': '*' }), 204);
  },

  async 'patch the twin'() {
    ok(await call('PATCH', `/twins/${DEVICE}`, { tags: { ring: 'audit' } }, { 'if-match': '*' }));
    const desired = { properties: { desired: { interval: 5 } } };
    ok(await call('PATCH', `/twins/${DEVICE}`, desired, { 'if-match': '*' }));
  },

  async 'device reports properties'() {
    const d = await connectDevice({
      url: hub.runtime.urls.mqtts,
      ca: hub.ca,
      deviceId: DEVICE,
      token: deviceToken({ host: 'localhost', deviceId: DEVICE, key: deviceKey }),
    });
    mqttDevice = d;
    // Answers every direct method (the reboot step) with 200.
    d.client.on('message', (topic) => {
      if (!topic.startsWith('$iothub/methods/POST/')) return;
      d.client.publish(`$iothub/methods/res/200/?$rid=${ridOf(topic)}`, JSON.stringify({ ok: true }));
    });
    expect(await d.subscribe('$iothub/methods/POST/#')).toBe(0);
    expect(await d.subscribe('$iothub/twin/res/#')).toBe(0);
    const reported = await d.patchReported({ temperature: 21, rebootStatus: 'idle' });
    expect(reported.status).toBe(204);
  },

  async 'reboot the device'() {
    const res = ok(await call('POST', `/api/v1/devices/${DEVICE}/reboot`, { responseTimeoutInSeconds: 10 }));
    expect(res.json).toMatchObject({ state: 'answered', requestedBy: ops });
  },

  async 'run a twin job'() {
    ok(
      await call('PUT', `/jobs/v2/${TWIN_JOB}`, {
        jobId: TWIN_JOB,
        type: 'scheduleUpdateTwin',
        updateTwin: { etag: '*', properties: { desired: { fromJob: 1 } } },
        startTime: null,
        queryCondition: `deviceId = '${DEVICE}'`,
      }),
    );
    await vi.waitFor(
      async () => {
        const job = ok(await call('GET', `/jobs/v2/${TWIN_JOB}`)).json as { status: string };
        expect(job.status).toBe('completed');
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(((await twinOf(DEVICE)).properties as { desired: unknown }).desired).toMatchObject({ fromJob: 1 });
  },

  async 'cancel a scheduled job'() {
    ok(
      await call('PUT', `/jobs/v2/${LATER_JOB}`, {
        jobId: LATER_JOB,
        type: 'scheduleUpdateTwin',
        updateTwin: { tags: { later: true } },
        startTime: new Date(Date.now() + 3_600_000).toISOString(),
        maxExecutionTimeInSeconds: 600,
        queryCondition: '*',
      }),
    );
    const cancelled = ok(await call('POST', `/jobs/v2/${LATER_JOB}/cancel`)).json as { status: string };
    expect(cancelled.status).toBe('cancelled');
  },

  async 'apply, update and delete a configuration'() {
    const body = {
      id: CONFIG,
      content: { deviceContent: { 'properties.desired.fromConfig': { level: 1 } } },
      targetCondition: "tags.ring = 'audit'",
      priority: 10,
    };
    ok(await call('PUT', `/configurations/${CONFIG}`, body));
    await vi.waitFor(
      async () => expect((await twinOf(DEVICE)).configurations).toEqual({ [CONFIG]: { status: 'Applied' } }),
      { timeout: 10_000, interval: 50 },
    );
    ok(await call('PUT', `/configurations/${CONFIG}`, { ...body, priority: 20 }, { 'if-match': '*' }));
    ok(await call('DELETE', `/configurations/${CONFIG}`, undefined, { 'if-match': '*' }), 204);
    await vi.waitFor(async () => expect((await twinOf(DEVICE)).configurations).toBeUndefined(), {
      timeout: 10_000,
      interval: 50,
    });
  },

  async 'save and delete an alert rule'() {
    const rule = { name: 'Audit ring', condition: "tags.ring = 'audit'", threshold: 0 };
    ok(await call('PUT', `/api/v1/alerts/rules/${ALERT}`, rule), 201);
    ok(await call('DELETE', `/api/v1/alerts/rules/${ALERT}`), 204);
  },
};

/** The whole audit trail as admin (who alone sees user changes), page by page. */
async function readAudit(): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  let afterSeq = 0;
  for (;;) {
    const res = ok(await asAdmin('GET', `/api/v1/audit?afterSeq=${afterSeq}&limit=500`));
    const page = res.json as { items: AuditEntry[]; nextAfterSeq: number | null };
    all.push(...page.items);
    if (page.nextAfterSeq === null) return all;
    afterSeq = page.nextAfterSeq;
  }
}

/** Paths in `value` whose property name looks like a secret and holds more than a flag. */
function secretLookingKeys(value: unknown, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretLookingKeys(v, `${at}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(/password|hash|token|secret|primarykey|secondarykey|symmetrickey|sharedaccesskey|connectionstring/i.test(
      k,
    ) && typeof v !== 'boolean'
      ? [`${at}.${k}`]
      : []),
    ...secretLookingKeys(v, `${at}.${k}`),
  ]);
}

const sameActor = (a: Actor, b: Actor) => a.type === b.type && a.id === b.id;

beforeAll(async () => {
  hub = await startTestHub();
  tokens.admin = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
  secrets.add(tokens.admin);
  for (const p of hub.runtime.hub.policies.list()) {
    secrets.add(p.primaryKey);
    secrets.add(p.secondaryKey);
  }
});
afterAll(async () => {
  await mqttDevice?.close().catch(() => undefined);
  await hub?.close();
});

describe('GET /api/v1/audit covers every change kind', () => {
  it('records each kind with the right actor and record, and never a secret', async () => {
    const kinds = changeKindSchema.options;
    const unmapped = kinds.filter((k) => !COVERAGE[k] && !UNTRIGGERABLE.has(k));
    expect(
      unmapped,
      `change kinds with no trigger in audit-every-kind.test.ts: ${unmapped.join(', ')}; add each to COVERAGE (or, if no API can make it, to UNTRIGGERABLE with the reason)`,
    ).toEqual([]);
    const both = kinds.filter((k) => COVERAGE[k] && UNTRIGGERABLE.has(k));
    expect(both, 'kinds both covered and allow-listed').toEqual([]);

    for (const [name, run] of Object.entries(STEPS)) {
      try {
        await run();
      } catch (err) {
        throw new Error(`step "${name}" failed: ${String(err)}`, { cause: err });
      }
    }

    const entries = await readAudit();
    const problems: string[] = [];
    for (const kind of kinds) {
      const ofKind = entries.filter((e) => e.kind === kind);
      const covered = COVERAGE[kind];
      if (!covered) {
        if (ofKind.length) {
          problems.push(`${kind} is in UNTRIGGERABLE but was recorded: cover it in COVERAGE instead`);
        }
        continue;
      }
      if (!ofKind.length) {
        problems.push(`${kind}: no audit entry after step "${covered.step}"`);
        continue;
      }
      for (const want of covered.expect) {
        const hit = ofKind.find((e) => e.id === want.id && sameActor(e.actor, want.actor));
        if (!hit) {
          const seen = ofKind.map((e) => `${e.actor.type}:${e.actor.id} on ${e.id}`).join('; ');
          problems.push(
            `${kind}: no entry by ${want.actor.type}:${want.actor.id} on ${want.id} (recorded: ${seen})`,
          );
        }
      }
      for (const e of ofKind) {
        const deviceKind = kind.startsWith('device') || kind.startsWith('twin');
        if (deviceKind && e.deviceId !== e.id)
          problems.push(`${kind} #${e.seq}: deviceId ${e.deviceId} ≠ id ${e.id}`);
        if (!deviceKind && e.deviceId !== undefined) problems.push(`${kind} #${e.seq}: unexpected deviceId`);
      }
    }
    // Every operator action is attributed to ops and every user-management action to admin:
    // nothing of this scenario may be recorded as a SAS policy.
    for (const e of entries) {
      if (e.actor.type === 'policy')
        problems.push(`${e.kind} #${e.seq} on ${e.id}: actor is policy ${e.actor.id}`);
    }
    // The filters find the same entries.
    const byDevice = ok(await asAdmin('GET', `/api/v1/audit?deviceId=${DEVICE}&limit=500`)).json as {
      items: AuditEntry[];
    };
    expect(byDevice.items.map((e) => e.seq)).toEqual(
      entries.filter((e) => e.deviceId === DEVICE).map((e) => e.seq),
    );
    const byOps = ok(await asAdmin('GET', '/api/v1/audit?actor=user:ops&limit=500')).json as {
      items: AuditEntry[];
    };
    expect(byOps.items.length).toBeGreaterThan(0);
    expect(byOps.items.every((e) => sameActor(e.actor, ops))).toBe(true);

    expect(problems).toEqual([]);

    const text = JSON.stringify(entries);
    const leaked = [...secrets].filter((s) => s.length >= 8 && text.includes(s));
    expect(
      leaked.map((s) => `${s.slice(0, 4)}…`),
      'secrets found in the audit',
    ).toEqual([]);
    expect(text).not.toMatch(/scrypt\$/);
    expect(secretLookingKeys(entries)).toEqual([]);
    // The operator's own view hides user management.
    const opsView = ok(await call('GET', '/api/v1/audit?limit=500')).json as { items: AuditEntry[] };
    expect(opsView.items.filter((e) => e.kind.startsWith('user'))).toEqual([]);
  });
});
