import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signIn, useE2eHub } from './harness';

const DEVICES = 12;
let page: Page;

const e2e = useE2eHub({ devices: DEVICES }, 90_000);
beforeAll(async () => {
  page = await signIn(await e2e.newContext(), e2e);
}, 90_000);

describe('the Monitor screen', () => {
  it('shows the connected count and a chart of connected devices with at least one point', async () => {
    await page.goto(`${e2e.url}#/monitor`);
    await page.getByRole('heading', { name: 'Monitor', level: 1 }).waitFor();
    const connected = page.getByRole('figure', { name: 'Connected', exact: true });
    await expect.poll(() => connected.textContent(), { timeout: 20_000 }).toContain(String(DEVICES));
    const chart = page.getByRole('img', { name: /Connected devices, last 60 min/ });
    await chart.waitFor();
    expect(Number(await chart.getAttribute('data-point-count'))).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('.mon-chart figcaption').textContent())
      .toMatch(new RegExp(`^${DEVICES} devices connected now`));
  });

  it('follows a device that reboots: the count dips and comes back, live', async () => {
    const connected = page.getByRole('figure', { name: 'Connected', exact: true });
    const res = await e2e.hub.call('POST', '/twins/demo-00002/methods', {
      body: { methodName: 'reboot', payload: { delay: 3 }, responseTimeoutInSeconds: 10 },
    });
    expect(res.status).toBe(200);
    await expect.poll(() => connected.textContent(), { timeout: 10_000 }).toContain(String(DEVICES - 1));
    await expect.poll(() => connected.textContent(), { timeout: 20_000 }).toContain(String(DEVICES));
    const chart = page.getByRole('img', { name: /Connected devices/ });
    await expect
      .poll(async () => Number(await chart.getAttribute('data-point-count')))
      .toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('.mon-chart figcaption').textContent()).toMatch(/between 0 and 12/);
  });

  it('creates an alert rule that fires for the Lisbon devices and shows the badge', async () => {
    await page.getByRole('button', { name: 'New alert rule' }).click();
    const form = page.getByRole('form', { name: 'New alert rule' });
    await form.getByLabel('Rule name').fill('Lisbon devices');
    await form.getByLabel('Condition (WHERE)').fill("tags.site = 'lisbon'");
    await form.getByLabel('Fire when the count is').selectOption('>');
    await form.getByLabel('Threshold (devices)').fill('0');
    await form.getByRole('button', { name: 'Create rule' }).click();
    const rule = page.getByRole('listitem', { name: 'Alert rule Lisbon devices' });
    await rule.waitFor();
    // demo-00001, -00005, -00009 are in Lisbon (every fourth device).
    await expect.poll(() => rule.textContent()).toMatch(/firing.*3 devices/);
    await rule.getByRole('link', { name: 'demo-00005' }).waitFor();
    await page.getByRole('button', { name: '1 alert firing' }).waitFor();
    // The navigation carries the count too, on every screen, updated when a rule is saved.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Monitor 1 alert firing' })
      .waitFor();
    await screenshot(page, 'monitor');
  });

  it('lists unfinished jobs with a progress bar', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const res = await e2e.hub.call('PUT', '/jobs/v2/e2e-later', {
      body: {
        jobId: 'e2e-later',
        type: 'scheduleUpdateTwin',
        queryCondition: "tags.site = 'porto'",
        updateTwin: { etag: '*', properties: { desired: { logLevel: 'debug' } } },
        startTime: later,
        maxExecutionTimeInSeconds: 600,
      },
    });
    expect(res.status).toBe(200);
    const jobs = page.getByRole('region', { name: 'Running jobs' });
    const row = jobs.getByRole('row', { name: /e2e-later/ });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toMatch(/twin update.*scheduled.*tags\.site = 'porto'/);
    await row.getByRole('progressbar', { name: 'Progress of job e2e-later' }).waitFor();
    await e2e.hub.call('POST', '/jobs/v2/e2e-later/cancel');
    await expect
      .poll(() => jobs.getByRole('row', { name: /e2e-later/ }).count(), { timeout: 15_000 })
      .toBe(0);
  });

  it('refuses a rule that cannot run, in place', async () => {
    await page.getByRole('button', { name: 'New alert rule' }).click();
    const form = page.getByRole('form', { name: 'New alert rule' });
    await form.getByLabel('Rule name').fill('Broken');
    await form.getByLabel('Condition (WHERE)').fill("tags.site = 'lisbon' AND");
    await form.getByRole('button', { name: 'Create rule' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/not saved.*position/i);
    await form.getByRole('button', { name: 'Close form' }).click();
  });

  it('reads well on a wide monitor', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByRole('img', { name: /Connected devices/ }).waitFor();
    await screenshot(page, 'monitor-wide');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
