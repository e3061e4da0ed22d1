/**
 * A viewer cannot change anything: every screen a viewer reaches is walked, and no control that
 * writes (create, save, delete, reboot, send, import, …) or editable text area may be offered;
 * then the viewer's own token (the one the UI holds) is refused by every write route.
 * Written over whole pages, by role and name, so it holds whatever the screens come to contain.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signInAsNew, useE2eHub } from './harness';

/** Names of controls that change something; none may be offered to a viewer. */
const WRITE_CONTROL =
  /save|delete|remove|reboot|reset|send|create|import|disable|enable|revoke|replace|retire|cancel job|invoke|apply|rotate|new |add |edit|upload|provision|run job|start job|schedule|set password|change role/i;

/**
 * Controls that change only this browser, never the hub: the Fleet screen's saved views live in
 * localStorage (renderer/src/screens/fleet/saved-views.ts), so a viewer may keep them.
 */
const LOCAL_ONLY = /\bviews?\b/i;
/** POSTs that only read (a twin query, a test of a configuration's queries). */
const READ_ONLY_POST = /\/devices\/query|\/configurations\/testQueries|\/api\/v1\/logout/;

let page: Page;
const writesSent: string[] = [];

const e2e = useE2eHub({ devices: 8 }, 90_000);
beforeAll(async () => {
  // Something for the viewer to see on every screen: an alert rule and a job.
  await e2e.hub.runtime.hub.alerts.put(
    'lisbon',
    { name: 'Lisbon devices', condition: "tags.site = 'lisbon'" },
    { type: 'user', id: 'admin' },
  );
  page = await signInAsNew(e2e, 'vic', 'viewer');
  // Whatever the walk clicks (disclosures only), the UI must not send a write to the hub.
  page.on('request', (req) => {
    const method = req.method();
    if (method !== 'GET' && method !== 'HEAD' && !READ_ONLY_POST.test(req.url()))
      writesSent.push(`${method} ${req.url()}`);
  });
}, 90_000);

/** Waits for a screen to settle: its heading, then no "Loading…" left and a moment for live data. */
async function open(hash: string): Promise<string> {
  await page.goto(`${e2e.url}${hash}`);
  const h1 = page.getByRole('heading', { level: 1 });
  await h1.first().waitFor();
  await page.waitForTimeout(1500);
  await expect.poll(() => page.getByText(/^Loading…$/).count(), { timeout: 10_000 }).toBe(0);
  return (await h1.first().textContent()) ?? '';
}

/** Everything a viewer could use to change something on the page now. */
async function writeControls(): Promise<string[]> {
  const found: string[] = [];
  for (const role of ['button', 'link', 'menuitem'] as const) {
    for (const control of await page.getByRole(role, { name: WRITE_CONTROL }).all()) {
      const name = (await control.textContent())?.trim() ?? '';
      if (LOCAL_ONLY.test(name) || !(await control.isVisible())) continue;
      found.push(`${role} "${name}"`);
    }
  }
  const editable = page.locator('textarea:not([readonly]):not([disabled]), [contenteditable="true"]');
  for (const t of await editable.all()) {
    if (await t.isVisible()) found.push(`editable ${(await t.getAttribute('aria-label')) ?? 'text area'}`);
  }
  return found;
}

/** Opens every collapsed disclosure (details, aria-expanded=false) so hidden actions are checked too. */
async function expandAll(): Promise<void> {
  for (const d of await page.locator('details:not([open]) > summary').all()) {
    if (await d.isVisible()) await d.click().catch(() => {});
  }
  const toggles = page.locator('button[aria-expanded="false"]');
  const n = Math.min(await toggles.count(), 10);
  for (let i = 0; i < n; i++) {
    const t = toggles.first();
    if (!(await t.isVisible().catch(() => false))) break;
    await t.click().catch(() => {});
  }
}

const SCREENS: [string, string][] = [
  ['#/fleet', 'viewer-fleet'],
  ['#/devices/demo-00001', 'viewer-device'],
  ['#/configure', 'viewer-configure'],
  // The demo's configuration and finished job, and the "new" addresses typed by hand.
  ['#/configure/configurations/demo-lisbon-fast-telemetry', 'viewer-configuration'],
  ['#/configure/jobs/demo-report-interval', 'viewer-job'],
  ['#/configure/configurations/new', 'viewer-configuration-new'],
  ['#/configure/jobs/new', 'viewer-job-new'],
  ['#/monitor', 'viewer-monitor'],
  ['#/audit', 'viewer-audit'],
  ['#/hub', 'viewer-hub'],
];

describe('a viewer', () => {
  it('is offered nothing that changes anything, on any screen', async () => {
    const offered: Record<string, string[]> = {};
    for (const [hash, shot] of SCREENS) {
      const title = await open(hash);
      await expandAll();
      const found = await writeControls();
      if (found.length > 0) offered[`${hash} (${title})`] = found;
      await screenshot(page, shot);
      // Every tab and section of the screen too (role=tab, or links of a navigation inside main).
      const sections = [
        ...(await page.getByRole('tab').all()),
        ...(await page.getByRole('main').getByRole('navigation').getByRole('link').all()),
      ];
      for (const section of sections) {
        const name = (await section.textContent())?.trim() ?? '';
        const current =
          (await section.getAttribute('aria-selected')) === 'true' ||
          (await section.getAttribute('aria-current'));
        if (current || !(await section.isVisible().catch(() => false))) continue;
        await section.click();
        await page.waitForTimeout(1000);
        await expandAll();
        const inSection = await writeControls();
        if (inSection.length > 0) offered[`${hash} (${title}) section ${name}`] = inSection;
      }
    }
    expect(offered).toEqual({});
    expect(writesSent).toEqual([]);
  });

  it('cannot reach the operator and admin screens by their address', async () => {
    for (const hash of ['#/provision', '#/retire', '#/users']) {
      const title = await open(hash);
      expect(title, hash).not.toMatch(/provision|retire|users/i);
    }
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const label of ['Provision', 'Retire', 'Users and roles']) {
      expect(await nav.getByRole('link', { name: label }).count()).toBe(0);
    }
  });

  it("is refused every write with the UI's own token", async () => {
    const writes: [string, string, unknown][] = [
      ['PUT', '/devices/vic-device?api-version=2021-04-12', {}],
      ['DELETE', '/devices/demo-00001?api-version=2021-04-12', undefined],
      ['PATCH', '/twins/demo-00001?api-version=2021-04-12', { tags: { hacked: true } }],
      ['PUT', '/twins/demo-00001?api-version=2021-04-12', { tags: { hacked: true } }],
      ['POST', '/twins/demo-00001/methods?api-version=2021-04-12', { methodName: 'reboot', payload: {} }],
      [
        'PUT',
        '/jobs/v2/vic-job?api-version=2021-04-12',
        { type: 'scheduleDeviceMethod', queryCondition: '*', cloudToDeviceMethod: { methodName: 'reboot' } },
      ],
      ['PUT', '/configurations/vic-config?api-version=2021-04-12', { id: 'vic-config', content: {} }],
      ['POST', '/api/v1/devices/demo-00001/reboot', {}],
      ['POST', '/api/v1/devices/demo-00001/factory-reset', {}],
      ['POST', '/api/v1/devices/demo-00001/disable', {}],
      ['POST', '/api/v1/devices/demo-00001/replace', { newDeviceId: 'vic-new' }],
      ['DELETE', '/api/v1/devices/demo-00001', undefined],
      ['POST', '/api/v1/devices/demo-00001/messages', { body: 'hi' }],
      ['POST', '/api/v1/operations/reboot', { query: '*' }],
      ['POST', '/api/v1/imports', [{ id: 'vic-import' }]],
      ['PUT', '/api/v1/alerts/rules/vic', { name: 'vic', condition: 'true' }],
      ['DELETE', '/api/v1/alerts/rules/lisbon', undefined],
      ['POST', '/api/v1/users', { name: 'mallory', role: 'admin', password: 'mallory-password' }],
      ['PATCH', '/api/v1/users/vic', { role: 'admin' }],
    ];
    const statuses = await page.evaluate(async (calls) => {
      // Runs in the page: the token the UI itself holds (test/ has no DOM types, hence the cast).
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
        .sessionStorage;
      const { token } = JSON.parse(storage.getItem('outpost.session') ?? '{}') as { token: string };
      const out: Record<string, number> = {};
      for (const [method, path, body] of calls) {
        const res = await fetch(path, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        out[`${method} ${path.split('?')[0]}`] = res.status;
      }
      return out;
    }, writes);
    const allowed = Object.entries(statuses).filter(([, status]) => status !== 401 && status !== 403);
    expect(allowed).toEqual([]);
    // And nothing changed.
    const hub = e2e.hub.runtime.hub;
    expect(hub.devices.get('vic-device')).toBeUndefined();
    expect(hub.alerts.list().map((r) => r.id)).toEqual(['lisbon']);
    expect(hub.users.get('vic')?.role).toBe('viewer');
    expect(hub.users.get('mallory')).toBeUndefined();
  });
});
