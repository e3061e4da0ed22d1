/**
 * The Configure screen in Chromium against a simulated fleet (12 devices, 3 per site): an operator
 * creates a configuration with a live match count and sees it applied; runs a twin-update job and a
 * reboot job over a query and follows each to the end with per-device results; a viewer only reads.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signInAsNew, useE2eHub } from './harness';

let page: Page;

const e2e = useE2eHub({ devices: 12 });
beforeAll(async () => {
  page = await signInAsNew(e2e, 'otto', 'operator');
}, 60_000);

const matchStatus = (p: Page) => p.getByRole('status').filter({ hasText: /match|not valid|Checking/ });

describe('Configure: automatic configurations', () => {
  it('lists the configurations with priority, condition and applied/targeted counts', async () => {
    await page.goto(`${e2e.url}#/configure`);
    const table = page.getByRole('table', { name: /Automatic configurations/ });
    const row = table.getByRole('row').filter({ hasText: 'demo-lisbon-fast-telemetry' });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[0]).toBe('10');
    expect(cells[1]).toBe("tags.site = 'lisbon'");
    expect(cells[2]).toContain('telemetryInterval: 5');
    await expect.poll(() => row.getByRole('progressbar').getAttribute('aria-valuemax')).toBe('3');
  });

  it('creates one with a live match count, errors in place, and sees it applied', async () => {
    await page.getByRole('link', { name: 'New configuration' }).click();
    await page.getByLabel('Configuration id').fill('porto-slow-reports');
    const condition = page.getByLabel('Target condition');
    await condition.fill("properties.desired.logLevel = 'debug'");
    await expect
      .poll(() => matchStatus(page).textContent())
      .toMatch(/not valid: .*may not test properties\.desired/);
    await condition.fill("tags.site = 'porto'");
    await expect.poll(() => matchStatus(page).textContent()).toBe('3 devices match now');
    await condition.fill("tags.site = 'porto' AND tags.floor = 1");
    await expect.poll(() => matchStatus(page).textContent()).toBe('1 device matches now');
    await condition.fill("tags.site = 'porto'");
    await page.getByLabel('Priority').fill('20');
    await page.getByLabel('Desired properties (JSON)').fill('{"reportInterval": 120}');
    await page.getByRole('button', { name: 'Add a metric' }).click();
    await page.getByLabel('Metric 1 name').fill('acknowledged');
    await page
      .getByLabel('Metric 1 query')
      .fill('SELECT deviceId FROM devices WHERE properties.reported.reportInterval = 120');
    await expect.poll(() => matchStatus(page).textContent()).toBe('3 devices match now');
    await screenshot(page, 'configure-configuration-form');
    await page.getByRole('button', { name: 'Create configuration' }).click();

    await page.getByRole('status').filter({ hasText: 'Configuration porto-slow-reports created' }).waitFor();
    const row = page
      .getByRole('table', { name: /Automatic configurations/ })
      .getByRole('row')
      .filter({
        hasText: 'porto-slow-reports',
      });
    const applied = row.getByRole('progressbar', { name: 'Devices where porto-slow-reports is applied' });
    await expect.poll(() => applied.getAttribute('aria-valuenow'), { timeout: 15_000 }).toBe('3');
    expect(await applied.getAttribute('aria-valuemax')).toBe('3');
    // The simulated devices acknowledge the new interval in reported: the custom metric follows.
    await expect
      .poll(() => row.getByText(/acknowledged:/).textContent(), { timeout: 20_000 })
      .toBe('acknowledged: 3');
    await page.waitForTimeout(300); // the progress bar's width transition
    await screenshot(page, 'configure-configurations');
    const twin = (await e2e.hub.call('GET', '/twins/demo-00002')).json as {
      properties: { desired: { reportInterval?: number } };
    };
    expect(twin.properties.desired.reportInterval).toBe(120);
  });

  it('edits the priority of an existing one (content stays fixed)', async () => {
    await page.getByRole('link', { name: 'Edit demo-meters-debug-logs' }).click();
    await page.getByRole('heading', { name: 'Edit configuration demo-meters-debug-logs' }).waitFor();
    expect(await page.getByLabel('Desired properties (JSON)').isDisabled()).toBe(true);
    expect(await page.getByLabel('Configuration id').isDisabled()).toBe(true);
    await page.getByLabel('Priority').fill('7');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Configuration demo-meters-debug-logs saved.' })
      .waitFor();
    const saved = (await e2e.hub.call('GET', '/configurations/demo-meters-debug-logs')).json as {
      priority: number;
    };
    expect(saved.priority).toBe(7);
  });

  it('asks before deleting, then removes it from the list', async () => {
    await page.getByRole('button', { name: 'Delete porto-slow-reports' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect(dialog.textContent()).resolves.toMatch(/removed from the 3 devices/);
    await dialog.getByRole('button', { name: 'Delete porto-slow-reports' }).click();
    await page.getByRole('status').filter({ hasText: 'Configuration porto-slow-reports deleted.' }).waitFor();
    expect((await e2e.hub.call('GET', '/configurations/porto-slow-reports')).status).toBe(404);
  });
});

describe('Configure: jobs', () => {
  it('runs a twin-update job over a query and follows its progress bar to the end', async () => {
    await page
      .getByRole('navigation', { name: 'Configure sections' })
      .getByRole('link', { name: 'Jobs' })
      .click();
    await page
      .getByRole('table', { name: /Jobs/ })
      .getByRole('link', { name: 'demo-report-interval' })
      .waitFor();
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Job id').fill('lisbon-report-45');
    await page.getByLabel('Devices where').fill("tags.site = 'lisbon'");
    await expect.poll(() => matchStatus(page).textContent()).toBe('3 devices match now');
    await page.getByLabel('Desired properties patch (JSON)').fill('{"reportInterval": 45}');
    await page.getByRole('button', { name: 'Start job' }).click();

    await page.getByRole('heading', { name: /Job lisbon-report-45/ }).waitFor();
    const bar = page.getByRole('progressbar', { name: 'Progress of job lisbon-report-45' });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 20_000 }).toBe('3');
    expect(await bar.getAttribute('aria-valuemax')).toBe('3');
    await page.getByRole('heading', { name: /Job lisbon-report-45 completed/ }).waitFor();
    const results = page.getByRole('table', { name: 'Per-device results of the job' });
    await expect.poll(() => results.getByRole('row').filter({ hasText: 'Twin updated' }).count()).toBe(3);
    for (const id of ['demo-00001', 'demo-00005', 'demo-00009']) {
      expect(await results.getByRole('link', { name: id }).count()).toBe(1);
    }
  });

  it('runs a reboot job and lists each device answer', async () => {
    await page.goto(`${e2e.url}#/configure/jobs/new`);
    await page.getByLabel('Job id').fill('reboot-madrid');
    await page.getByLabel('Devices where').fill("tags.site = 'madrid'");
    await page.getByLabel('Call a direct method').check();
    await page.getByLabel('Method name').fill('reboot');
    await page.getByLabel('Payload (optional JSON)').fill('{"delay": 1}');
    await expect.poll(() => matchStatus(page).textContent()).toBe('3 devices match now');
    await page.getByRole('button', { name: 'Start job' }).click();
    const bar = page.getByRole('progressbar', { name: 'Progress of job reboot-madrid' });
    await bar.waitFor();
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 30_000 }).toBe('3');
    const results = page.getByRole('table', { name: 'Per-device results of the job' });
    await expect
      .poll(() =>
        results
          .getByRole('row')
          .filter({ hasText: /Status 200/ })
          .count(),
      )
      .toBe(3);
    await page.waitForTimeout(300); // the progress bar's width transition
    await screenshot(page, 'configure-jobs');

    await page.getByRole('link', { name: '← All jobs' }).click();
    const list = page.getByRole('table', { name: /Jobs/ });
    await list.getByRole('link', { name: 'reboot-madrid' }).waitFor();
    const ids = await list.getByRole('rowheader').allTextContents();
    expect(ids.slice(0, 2)).toEqual(['reboot-madrid', 'lisbon-report-45']);
    expect(ids).toContain('demo-report-interval');
    await page.waitForTimeout(300); // the progress bars' width transition
    await screenshot(page, 'configure-jobs-list');
  });

  it('cancels a job that has not finished, after a confirmation', async () => {
    const startTime = new Date(Date.now() + 3600_000).toISOString();
    const created = await e2e.hub.call('PUT', '/jobs/v2/later-reboot', {
      body: {
        jobId: 'later-reboot',
        type: 'scheduleDeviceMethod',
        queryCondition: '*',
        cloudToDeviceMethod: { methodName: 'reboot', payload: null, responseTimeoutInSeconds: 30 },
        startTime,
        maxExecutionTimeInSeconds: 600,
      },
    });
    expect(created.status).toBe(200);
    await page.goto(`${e2e.url}#/configure/jobs/later-reboot`);
    await page.getByRole('heading', { name: /Job later-reboot scheduled/ }).waitFor();
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('button', { name: 'Yes, cancel the job' }).click();
    await page.getByRole('heading', { name: /Job later-reboot cancelled/ }).waitFor();
    expect(((await e2e.hub.call('GET', '/jobs/v2/later-reboot')).json as { status: string }).status).toBe(
      'cancelled',
    );
    expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
  });

  it('offers a viewer the lists and results but nothing that changes them', async () => {
    const viewer = await signInAsNew(e2e, 'vic', 'viewer');
    await viewer.goto(`${e2e.url}#/configure`);
    await viewer
      .getByRole('table', { name: /Automatic configurations/ })
      .getByText('demo-lisbon-fast-telemetry')
      .waitFor();
    expect(await viewer.getByRole('link', { name: 'New configuration' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /Delete/ }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: /^Edit/ }).count()).toBe(0);
    await viewer.goto(`${e2e.url}#/configure/jobs`);
    await viewer.getByRole('link', { name: 'reboot-madrid' }).click();
    await viewer.getByRole('table', { name: 'Per-device results of the job' }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
    await viewer.goto(`${e2e.url}#/configure/jobs`);
    expect(await viewer.getByRole('link', { name: 'New job' }).count()).toBe(0);
  });
});
