import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signIn, useE2eHub } from './harness';

let page: Page;

const e2e = useE2eHub({ devices: 8 }, 90_000);
beforeAll(async () => {
  page = await signIn(await e2e.newContext(), e2e);
}, 90_000);

describe('the Users and roles screen', () => {
  it('creates a user, changes their role, and shows LastAdmin in place', async () => {
    await page.goto(`${e2e.url}#/users`);
    await page.getByRole('heading', { name: 'Users and roles', level: 1 }).waitFor();
    const create = page.getByRole('form', { name: 'Create a user' });
    await create.getByLabel('User name').fill('olga');
    await create.getByLabel('Role').selectOption('viewer');
    await create.getByLabel('Initial password').fill('olga-password-1');
    await create.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('status').filter({ hasText: 'olga can sign in now as viewer' }).waitFor();

    const row = page.getByRole('row', { name: /olga/ });
    await row.getByLabel('Role of olga', { exact: true }).selectOption('operator');
    await row.getByRole('button', { name: 'Save role of olga' }).click();
    await row.getByRole('status').filter({ hasText: 'olga is now operator' }).waitFor();
    const users = await e2e.hub.runtime.hub.users.get('olga');
    expect(users?.role).toBe('operator');

    // The only admin cannot demote themself: the hub's LastAdmin error is shown in the row.
    const me = page.getByRole('row', { name: /admin\s*you/ });
    await me.getByLabel('Role of admin', { exact: true }).selectOption('viewer');
    await me.getByRole('button', { name: 'Save role of admin' }).click();
    await expect(me.getByRole('alert').textContent()).resolves.toMatch(/LastAdmin.*last admin/);
    await me.getByLabel('Role of admin', { exact: true }).selectOption('admin');
    await screenshot(page, 'users');
  });

  it('resets a password and deletes a user after a confirmation', async () => {
    const row = page.getByRole('row', { name: /olga/ });
    await row.getByRole('button', { name: 'Reset password… of olga' }).click();
    await row.getByLabel('New password for olga').fill('olga-new-password');
    await row.getByRole('button', { name: 'Set password' }).click();
    await row.getByRole('status').filter({ hasText: 'password was reset' }).waitFor();
    await row.getByRole('button', { name: 'Delete… user olga' }).click();
    await row.getByRole('button', { name: 'Delete olga' }).click();
    await expect.poll(() => page.getByRole('row', { name: /olga/ }).count()).toBe(0);
    expect(e2e.hub.runtime.hub.users.get('olga')).toBeUndefined();
  });
});

describe('the Audit screen', () => {
  it('finds entries by device id, expands the patch, and adds new entries live', async () => {
    await page.goto(`${e2e.url}#/audit`);
    await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    const search = page.getByRole('search', { name: 'Search the audit trail' });
    await search.getByLabel('Device id').fill('demo-00003');
    await search.getByRole('button', { name: 'Search', exact: true }).click();
    const table = page.getByRole('table', { name: 'Audit entries, newest first' });
    await table.waitFor();
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(1);
    const records = await table.locator('tbody td.aud-record').allTextContents();
    expect(new Set(records)).toEqual(new Set(['demo-00003']));
    expect(await table.getByText('deviceCreated').count()).toBe(1);
    expect(page.url()).toContain('#/audit?deviceId=demo-00003');

    // A change made now appears at the top without a reload.
    await e2e.hub.call('PATCH', '/twins/demo-00003', {
      body: { tags: { auditProbe: 'e2e-live' } },
      headers: { 'if-match': '*' },
    });
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toContain('twinTagsChanged');
    await table
      .getByRole('button', { name: /Show change \d+ details/ })
      .first()
      .click();
    await expect.poll(() => table.getByRole('figure').first().textContent()).toContain('e2e-live');
    await screenshot(page, 'audit');
  });

  it('searches by text and kind together, and loads older entries', async () => {
    const search = page.getByRole('search', { name: 'Search the audit trail' });
    await search.getByRole('button', { name: 'Clear search' }).click();
    await search.getByLabel('Text').fill('e2e-live');
    await search.getByLabel('Kind').selectOption('twinTagsChanged');
    await search.getByRole('button', { name: 'Search', exact: true }).click();
    const table = page.getByRole('table', { name: 'Audit entries, newest first' });
    await expect.poll(() => table.locator('tbody tr:not(.aud-details)').count()).toBe(1);
    await search.getByRole('button', { name: 'Clear search' }).click();
    // 8 demo devices created, tagged and reporting: more than one page of 50.
    await expect.poll(() => table.locator('tbody tr:not(.aud-details)').count()).toBe(50);
    await page.getByRole('button', { name: 'Load older entries' }).click();
    await expect.poll(() => table.locator('tbody tr:not(.aud-details)').count()).toBeGreaterThan(50);
  });
});

describe('the Hub screen', () => {
  it('shows host, ports and URLs with copy buttons, and downloads the CA with the token', async () => {
    await page.goto(`${e2e.url}#/hub`);
    await page.getByRole('heading', { name: 'Hub', level: 1 }).waitFor();
    const info = e2e.hub.runtime.hub;
    await page.getByText(info.hubId).first().waitFor();
    await page.getByRole('button', { name: 'Copy MQTT over TLS URL' }).waitFor();
    const mqttsPort = new URL(e2e.hub.runtime.urls.mqtts).port;
    expect(await page.getByText(`mqtts://localhost:${mqttsPort}`, { exact: true }).count()).toBe(1);
    const snippet = await page
      .getByRole('figure', { name: 'Device connection string' })
      .locator('pre')
      .textContent();
    expect(snippet).toMatch(
      /^HostName=localhost;DeviceId=<device id>;SharedAccessKey=<device key>;GatewayHostName=localhost:\d+$/,
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CA certificate' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`outpost-${info.hubId}-ca.pem`);
    const path = await download.path();
    expect(await readFile(path, 'utf8')).toBe(e2e.hub.ca);
    await page.getByRole('status').filter({ hasText: 'Saved as' }).waitFor();
    await screenshot(page, 'hub');
  });
});
