/**
 * The Retire screen in Chromium against a simulated fleet: an operator finds a device by id,
 * disables it with a reason, deletes it into the archive (typing its id), rotates another one's
 * keys, and replaces a third by a new device that takes over its tags.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signInAsNew, useE2eHub } from './harness';

let page: Page;

const e2e = useE2eHub({ devices: 8 });
beforeAll(async () => {
  page = await signInAsNew(e2e, 'rita', 'operator');
  await page.goto(`${e2e.url}#/retire`);
}, 60_000);

type Identity = {
  status: string;
  statusReason: string | null;
  authentication: { symmetricKey: { primaryKey: string } };
};
const identityOf = async (id: string) => (await e2e.hub.call('GET', `/devices/${id}`)).json as Identity;
const tagsOf = async (id: string) =>
  ((await e2e.hub.call('GET', `/twins/${id}`)).json as { tags: unknown }).tags;

async function pick(id: string, search: string): Promise<void> {
  await page.getByLabel('Search devices by id').fill(search);
  await page
    .getByRole('list', { name: 'Matching devices' })
    .getByRole('link', { name: new RegExp(`^${id}`) })
    .click();
  await page.getByRole('region', { name: `Device ${id}` }).waitFor();
}

describe('Retire', () => {
  it('disables a device with a reason, after a confirmation', async () => {
    await pick('demo-00004', '0004');
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByLabel('Reason (optional)').fill('water damage');
    await page.getByRole('button', { name: 'Disable demo-00004…' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect(dialog.textContent()).resolves.toMatch(/Disable demo-00004\?/);
    await dialog.getByRole('button', { name: 'Yes, disable demo-00004' }).click();
    await page.getByRole('status').filter({ hasText: 'demo-00004 is disabled (water damage)' }).waitFor();
    const identity = await identityOf('demo-00004');
    expect(identity.status).toBe('disabled');
    expect(identity.statusReason).toBe('water damage');
    await page.getByRole('region', { name: 'Device demo-00004' }).getByText('water damage').waitFor();
  });

  it('deletes it into the archive only once its id is typed, and lists it there with its tags', async () => {
    const tags = await tagsOf('demo-00004');
    await page.getByRole('button', { name: 'Delete and archive', exact: true }).click();
    await page.getByRole('button', { name: 'Delete demo-00004…' }).click();
    const confirm = page.getByRole('button', { name: 'Delete and archive demo-00004' });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel('Type demo-00004 to confirm').fill('demo-0000');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel('Type demo-00004 to confirm').fill('demo-00004');
    await confirm.click();
    await page.getByRole('status').filter({ hasText: 'demo-00004 was deleted and archived' }).waitFor();
    expect((await e2e.hub.call('GET', '/devices/demo-00004')).status).toBe(404);
    const row = page
      .getByRole('table', { name: 'Archived devices' })
      .getByRole('row')
      .filter({ hasText: 'demo-00004' });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[1]).toMatch(/^rita/);
    expect(cells[2]).toMatch(/disabled.*water damage/);
    expect(JSON.parse(cells[3] as string)).toEqual(tags);
    await screenshot(page, 'retire');
  });

  it('rotates keys: the old key stops being the device key and a new connection string is shown', async () => {
    const before = (await identityOf('demo-00003')).authentication.symmetricKey.primaryKey;
    await pick('demo-00003', 'demo-00003');
    await page.getByRole('button', { name: 'Rotate or revoke keys', exact: true }).click();
    await page.getByRole('button', { name: 'Rotate keys…' }).click();
    await page.getByRole('button', { name: 'Yes, rotate the keys of demo-00003' }).click();
    const shown = page.getByRole('group', { name: 'Connection string of demo-00003' });
    await shown.waitFor();
    const after = (await identityOf('demo-00003')).authentication.symmetricKey.primaryKey;
    expect(after).not.toBe(before);
    await expect(shown.textContent()).resolves.toContain(`SharedAccessKey=${after}`);
  });

  it('replaces a device: the new one gets its tags and a connection string, the old one is disabled', async () => {
    await pick('demo-00006', '06');
    await page.getByRole('button', { name: 'Replace', exact: true }).click();
    await page.getByLabel('New device id').fill('demo-00006-b');
    await page.getByRole('button', { name: 'Replace demo-00006…' }).click();
    await page.getByRole('button', { name: 'Yes, replace demo-00006' }).click();
    await page.getByRole('heading', { name: 'demo-00006-b replaces demo-00006' }).waitFor();
    await page
      .getByRole('group', { name: 'Connection string of demo-00006-b' })
      .getByText(/DeviceId=demo-00006-b;/)
      .waitFor();
    expect(await tagsOf('demo-00006-b')).toEqual(await tagsOf('demo-00006'));
    expect(await tagsOf('demo-00006-b')).toMatchObject({ site: 'porto', floor: 2 });
    const old = await identityOf('demo-00006');
    expect(old.status).toBe('disabled');
    expect(old.statusReason).toBe('replaced by demo-00006-b');
    await page
      .getByRole('region', { name: 'Device demo-00006' })
      .getByText('replaced by demo-00006-b')
      .waitFor();
    // The search results follow the hub too.
    await page
      .getByRole('list', { name: 'Matching devices' })
      .getByRole('link', { name: /^demo-00006 disabled/ })
      .waitFor();
    await screenshot(page, 'retire-replace');

    // The guided flow ends with retiring the old device.
    await page.getByRole('button', { name: 'Delete and archive demo-00006 now…' }).click();
    await page.getByRole('button', { name: 'Delete demo-00006…' }).click();
    await page.getByLabel('Type demo-00006 to confirm').fill('demo-00006');
    await page.getByRole('button', { name: 'Delete and archive demo-00006' }).click();
    await page
      .getByRole('table', { name: 'Archived devices' })
      .getByRole('rowheader', { name: 'demo-00006' })
      .waitFor();
  });
});
