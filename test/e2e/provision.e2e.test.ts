/**
 * The Provision screen in Chromium: an operator adds one device (tags, connection string, link to
 * its page) and imports a CSV with one bad row, following the progress bar to the end.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signInAsNew, useE2eHub } from './harness';

let page: Page;

const e2e = useE2eHub({ devices: 0 });
beforeAll(async () => {
  page = await signInAsNew(e2e, 'olga', 'operator');
  await page.goto(`${e2e.url}#/provision`);
  await page.getByRole('heading', { name: 'Provision', level: 1 }).waitFor();
}, 60_000);

const twinOf = async (id: string) => (await e2e.hub.call('GET', `/twins/${id}`)).json as { tags: unknown };

describe('Provision', () => {
  it('says in place what is wrong with the tags, and creates nothing until it is fixed', async () => {
    await page.getByLabel('Device id').fill('therm-e2e-1');
    await page.getByLabel('Tags (optional JSON)').fill('{"site": lisbon}');
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/Not valid JSON/);
    expect(await page.getByRole('button', { name: 'Create device' }).isDisabled()).toBe(true);
  });

  it('adds one device with tags and shows its connection string and a link to its page', async () => {
    await page
      .getByLabel('Tags (optional JSON)')
      .fill('{"site": "lisbon", "floor": 2, "type": "thermostat"}');
    await page.getByRole('button', { name: 'Create device' }).click();
    await page.getByRole('heading', { name: 'Device therm-e2e-1 created' }).waitFor();
    const connection = page.getByRole('group', { name: 'Connection string of therm-e2e-1' });
    await expect(connection.textContent()).resolves.toMatch(
      /HostName=.+;DeviceId=therm-e2e-1;SharedAccessKey=.+/,
    );
    const link = page.getByRole('link', { name: 'Open the page of therm-e2e-1' });
    expect(await link.getAttribute('href')).toBe('#/devices/therm-e2e-1');
    expect((await twinOf('therm-e2e-1')).tags).toEqual({ site: 'lisbon', floor: 2, type: 'thermostat' });
    await screenshot(page, 'provision');
  });

  it('refuses an id the hub does not take, saying why', async () => {
    await page.getByRole('button', { name: 'Add another device' }).click();
    await page.getByLabel('Device id').fill('bad/id');
    await page.getByRole('button', { name: 'Create device' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The device was not created' });
    await expect(alert.textContent()).resolves.toMatch(/\//);
  });

  it('adds an X.509 device by thumbprint and says it has no connection-string key', async () => {
    await page.getByLabel('Device id').fill('cam-x509-1');
    await page.getByLabel('X.509 self-signed certificate (thumbprints)').check();
    expect(await page.getByRole('button', { name: 'Create device' }).isDisabled()).toBe(true);
    await page.getByLabel('Primary thumbprint').fill('AB'.repeat(20));
    await page.getByLabel('IoT Edge device (a gateway for other devices)').check();
    await page.getByRole('button', { name: 'Create device' }).click();
    await page.getByRole('heading', { name: 'Device cam-x509-1 created' }).waitFor();
    await page.getByText(/authenticates with its X\.509 certificate/).waitFor();
    const identity = (await e2e.hub.call('GET', '/devices/cam-x509-1')).json as {
      authentication: { type: string; x509Thumbprint: { primaryThumbprint: string } };
      capabilities: { iotEdge: boolean };
    };
    expect(identity.authentication.type).toBe('selfSigned');
    expect(identity.authentication.x509Thumbprint.primaryThumbprint).toBe('AB'.repeat(20));
    expect(identity.capabilities.iotEdge).toBe(true);
    await page.getByRole('button', { name: 'Add another device' }).click();
  });

  it('imports a CSV: the progress bar reaches the end, 4 created, the bad row listed by number', async () => {
    const csv = [
      'deviceId,tags.site,tags.floor,desired.telemetryInterval',
      'imp-001,porto,1,30',
      'imp-002,porto,2,30',
      'imp/003,porto,3,30',
      'imp-004,madrid,1,',
      'imp-005,madrid,2,15',
      '',
    ].join('\n');
    await page.getByLabel('Import file (CSV or JSON)').setInputFiles({
      name: 'five-devices.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await expect(
      page.getByRole('status').filter({ hasText: 'five-devices.csv' }).textContent(),
    ).resolves.toMatch(/CSV, 5 devices/);
    await page.getByRole('button', { name: 'Import 5 devices' }).click();
    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await bar.waitFor();
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 15_000 }).toBe('5');
    expect(await bar.getAttribute('aria-valuemax')).toBe('5');
    const progress = page.getByRole('region', { name: /Import of five-devices\.csv/ });
    await progress.getByText('done').waitFor();
    await expect(progress.getByText('4 created').count()).resolves.toBe(1);
    await expect(progress.getByText('1 failed').count()).resolves.toBe(1);
    const failed = progress.getByRole('table', { name: /Rows that failed/ });
    const cells = await failed.getByRole('row').nth(1).getByRole('cell').allTextContents();
    expect(cells[0]).toBe('3');
    expect(cells[1]).toBe('imp/003');
    expect(cells[2]).toMatch(/\//);
    expect((await twinOf('imp-005')).tags).toEqual({ site: 'madrid', floor: 2 });
    expect((await e2e.hub.call('GET', '/devices/imp-003')).status).toBe(404);
    await page.waitForTimeout(300); // the progress bar's width transition
    await screenshot(page, 'import-progress');
  });
});
