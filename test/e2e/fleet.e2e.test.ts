import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, signIn, useE2eHub } from './harness';

// The Fleet screen against a hub with 16 simulated demo devices (4 per site), in Chromium.

const e2e = useE2eHub({ devices: 16 }, 90_000);

/** The device table's body rows (the header row carries aria-rowindex 1). */
const deviceRows = (page: Page) =>
  page.getByRole('table', { name: 'Devices' }).locator('tbody tr.vtable-row');

/** The text of one column (1-based) in every rendered row. */
async function columnTexts(page: Page, column: number): Promise<string[]> {
  return deviceRows(page).locator(`td:nth-child(${column})`).allInnerTexts();
}

/** Counts `POST /devices/query` requests the page makes. */
function countQueries(page: Page): { count: number } {
  const counter = { count: 0 };
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/devices/query') counter.count += 1;
  });
  return counter;
}

async function runQuery(page: Page, text: string) {
  await page.getByLabel('Device query').fill(text);
  await page.getByRole('button', { name: 'Run query' }).click();
}

describe('the Fleet screen', () => {
  it('lists the fleet with a total and live connection states', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await expect.poll(() => deviceRows(page).count()).toBe(16);
    await expect.poll(() => page.getByRole('status').filter({ hasText: '16 devices' }).count()).toBe(1);
    const ids = await columnTexts(page, 1);
    expect(ids[0]).toBe('demo-00001');
    // Each id links to its device page.
    expect(await deviceRows(page).first().getByRole('link').getAttribute('href')).toBe(
      '#/devices/demo-00001',
    );
    await expect
      .poll(async () => (await columnTexts(page, 2)).every((t) => t.includes('Connected')))
      .toBe(true);
    expect(new Set(await columnTexts(page, 5))).toEqual(new Set(['lisbon', 'porto', 'madrid', 'lyon']));
    await screenshot(page, 'fleet');

    // A device dropping off and coming back shows live, without the list asking the hub again.
    const queries = countQueries(page);
    const device = e2e.demo!.fleet.devices.find((d) => d.deviceId === 'demo-00003')!;
    const row = deviceRows(page).filter({ hasText: 'demo-00003' });
    await device.close();
    await expect
      .poll(() => row.locator('td:nth-child(2)').textContent(), { timeout: 10_000 })
      .toContain('Disconnected');
    await device.start();
    await expect
      .poll(() => row.locator('td:nth-child(2)').textContent(), { timeout: 10_000 })
      .toMatch(/^\W*Connected/);
    expect(queries.count).toBe(0);
    await context.close();
  });

  it('finds devices with a query, in the full language or as a condition, and keeps it in the URL', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await deviceRows(page).first().waitFor();

    await runQuery(page, "SELECT * FROM devices WHERE tags.site = 'porto'");
    await expect.poll(() => deviceRows(page).count()).toBe(4);
    expect(new Set(await columnTexts(page, 5))).toEqual(new Set(['porto']));
    expect(await page.getByRole('status').filter({ hasText: '4 devices' }).count()).toBe(1);
    const url = page.url();
    expect(decodeURIComponent(url.replaceAll('+', ' '))).toContain(
      "q=SELECT * FROM devices WHERE tags.site = 'porto'",
    );

    // A bare condition works too.
    await runQuery(page, "tags.type = 'thermostat' AND tags.site = 'lisbon'");
    await expect.poll(async () => new Set(await columnTexts(page, 6))).toEqual(new Set(['thermostat']));
    expect(new Set(await columnTexts(page, 5))).toEqual(new Set(['lisbon']));

    // The URL is a link: another signed-in window opening it shows the same list.
    const other = await signIn(await e2e.newContext(), e2e);
    await other.goto(url);
    await expect.poll(() => deviceRows(other).count()).toBe(4);
    expect(new Set(await columnTexts(other, 5))).toEqual(new Set(['porto']));
    await other.context().close();

    // Projections and GROUP BY show their rows as they come.
    await runQuery(page, 'SELECT tags.site, COUNT() AS devices FROM devices GROUP BY tags.site');
    const results = page.getByRole('table', { name: 'Query results' });
    await expect.poll(() => results.locator('tbody tr.vtable-row').count()).toBe(4);
    expect(await results.getByRole('columnheader').allInnerTexts()).toEqual(['site', 'devices']);
    await context.close();
  });

  it('says when devices were added or deleted since the list loaded, and refreshes on request', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await runQuery(page, "tags.site = 'porto'");
    await expect.poll(() => deviceRows(page).count()).toBe(4);
    const hub = e2e.hub.runtime.hub;
    await hub.registry.create({ deviceId: 'late-porto' }, { type: 'user', id: 'admin' });
    await hub.twins.patch('late-porto', { tags: { site: 'porto' } }, '*', { type: 'user', id: 'admin' });
    const notice = page.getByRole('status').filter({ hasText: 'added, deleted or retagged' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('1 device was');
    // The list does not reshuffle by itself; the refresh brings the new device in.
    expect(await deviceRows(page).count()).toBe(4);
    await page.getByRole('button', { name: 'Refresh the list' }).click();
    await expect.poll(() => deviceRows(page).count()).toBe(5);
    expect(await notice.count()).toBe(0);
    await hub.registry.delete('late-porto', '*', { type: 'user', id: 'admin' });
    await context.close();
  });

  it("shows the hub's error for a bad query in place, pointing at the bad part", async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await deviceRows(page).first().waitFor();
    await runQuery(page, "SELECT * FROM devices WHERE tags.site = = 'porto'");
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('The hub refused the query');
    expect(text).toMatch(/position \d+/);
    expect(text).toContain("Syntax error at position 40 near '='");
    // The marker sits under the part the hub names.
    const marker = (await page.locator('.query-marker pre').textContent()) ?? '';
    const [query, caret] = marker.split('\n');
    expect(query).toBe("SELECT * FROM devices WHERE tags.site = = 'porto'");
    expect(caret!.indexOf('^')).toBe(query!.indexOf('= =') + 2);
    expect(await page.getByLabel('Device query').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'fleet-bad-query');
    await context.close();
  });

  it('groups by a tag with counts and filters the list to a group', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await deviceRows(page).first().waitFor();
    await page.getByLabel('Property path').fill('tags.site');
    await page.getByRole('button', { name: 'Group', exact: true }).click();
    const groups = page.getByRole('list', { name: 'Groups of tags.site' });
    await groups.waitFor();
    expect(await groups.getByRole('button').allInnerTexts()).toEqual(
      expect.arrayContaining(['All\n16', 'lisbon\n4', 'porto\n4', 'madrid\n4', 'lyon\n4']),
    );
    await groups.getByRole('button', { name: /^madrid/ }).click();
    await expect.poll(async () => new Set(await columnTexts(page, 5))).toEqual(new Set(['madrid']));
    expect(await deviceRows(page).count()).toBe(4);
    expect(await groups.getByRole('button', { name: /^madrid/ }).getAttribute('aria-pressed')).toBe('true');
    expect(page.url()).toContain('g=tags.site');
    await screenshot(page, 'fleet-grouped');

    // Groups follow the query: within meters, only the sites that have meters.
    const meters = await e2e.hub.runtime.hub.query(
      "SELECT COUNT() AS n FROM devices WHERE tags.type = 'meter'",
    );
    await runQuery(page, "tags.type = 'meter'");
    // Polled: the groups of the previous query stay on screen until the new counts arrive.
    const groupTotal = async () =>
      (await groups.getByRole('button').allInnerTexts())
        .slice(1)
        .reduce((sum, t) => sum + Number(t.split('\n')[1]), 0);
    await expect.poll(groupTotal).toBe((meters.rows[0] as { n: number }).n);
    await context.close();
  });

  it('keeps saved views per hub in the browser: add, apply, remove', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await deviceRows(page).first().waitFor();
    await runQuery(page, "tags.site = 'lyon'");
    await page.getByLabel('Property path').fill('tags.type');
    await page.getByRole('button', { name: 'Group', exact: true }).click();
    await page.getByLabel('View name').fill('Lyon by type');
    await page.getByRole('button', { name: 'Add view' }).click();
    const views = page.getByRole('region', { name: 'Saved views' });
    await views.getByRole('link', { name: 'Lyon by type' }).waitFor();

    // Back to everything, then apply the view: query and grouping come back.
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => deviceRows(page).count()).toBe(16);
    await page.reload();
    await views.getByRole('link', { name: 'Lyon by type' }).click();
    await expect.poll(async () => new Set(await columnTexts(page, 5))).toEqual(new Set(['lyon']));
    expect(await page.getByLabel('Property path').inputValue()).toBe('tags.type');

    await views.getByRole('button', { name: 'Remove view Lyon by type' }).click();
    expect(await views.getByRole('link', { name: 'Lyon by type' }).count()).toBe(0);
    await context.close();
  });
});
