import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createUser, screenshot, signIn, useE2eHub } from './harness';

// The Device screen against simulated demo devices (telemetry every 2 s), in Chromium.

const e2e = useE2eHub({ devices: 8, telemetryIntervalSeconds: 2 }, 90_000);

/** Opens a device page as the signed-in user and marks the document, to prove later it never reloaded. */
async function openDevice(page: Page, id: string): Promise<void> {
  await page.goto(`${e2e.url}#/devices/${id}`);
  await page.getByRole('heading', { name: `Device ${id}`, level: 1 }).waitFor();
  await page.evaluate('window.__sameDocument = true');
}

// Set on the document when the page opened: still there means the page never reloaded.
const sameDocument = (page: Page) => page.evaluate('window.__sameDocument === true');

/** The value cell of a property row in one of the twin tables. */
const twinValue = (page: Page, table: string, path: string) =>
  page
    .getByRole('table', { name: table })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: path, exact: true }) })
    .locator('td')
    .first();

describe('the Device screen', () => {
  it('shows identity and credentials, keys masked until an operator reveals them', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await openDevice(page, 'demo-00001');
    const identity = page.getByRole('region', { name: 'Identity and credentials' });
    await expect.poll(() => identity.textContent()).toContain('Shared access key (sas)');
    const key = e2e.hub.runtime.hub.registry.get('demo-00001').authentication.symmetricKey.primaryKey!;
    expect(await identity.textContent()).not.toContain(key);
    await identity.getByRole('button', { name: 'Reveal keys' }).click();
    expect(await identity.textContent()).toContain(key);
    await identity.getByRole('button', { name: 'Hide keys' }).click();

    await identity.getByRole('button', { name: 'Show connection string' }).click();
    const value = await identity.locator('.conn-string-value code').textContent();
    expect(value).toContain('DeviceId=demo-00001');
    expect(value).toContain(`SharedAccessKey=${key}`);
    expect(value).toContain('GatewayHostName=127.0.0.1');
    await identity.getByRole('button', { name: 'Copy connection string' }).waitFor();
    await context.close();
  });

  it('patches a desired property through the editor with a diff, and the device applies it live', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await openDevice(page, 'demo-00002');
    const twin = page.getByRole('region', { name: 'Twin' });
    await expect
      .poll(() => twinValue(page, 'Reported properties', 'telemetryInterval').textContent())
      .toBe('2');

    // Refused in place before anything is sent: bad JSON, then a key the hub would refuse.
    await twin.getByRole('button', { name: 'Edit desired' }).click();
    const editor = page.getByLabel('Edit desired properties (JSON)');
    await editor.fill('{"telemetryInterval": 7,');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid JSON');
    await editor.fill('{"bad.key": 1}');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain("keys may not contain '.'");

    // The diff, then apply.
    const current = e2e.hub.runtime.hub.twins.get('demo-00002').properties.desired;
    const edited = { ...Object.fromEntries(Object.entries(current).filter(([k]) => !k.startsWith('$'))) };
    edited.telemetryInterval = 7;
    await editor.fill(JSON.stringify(edited, null, 2));
    await page.getByRole('button', { name: 'Review changes' }).click();
    const diff = page.getByRole('table', { name: 'Changes to desired properties' });
    await diff.waitFor();
    const diffRows = await diff.locator('tbody tr').allInnerTexts();
    expect(diffRows).toHaveLength(1);
    expect(diffRows[0]).toMatch(/^(Added|Changed)\s+telemetryInterval/);
    expect(diffRows[0]).toContain('7');
    await screenshot(page, 'device-twin-diff');
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Desired properties saved' }).waitFor();
    expect(e2e.hub.runtime.hub.twins.get('demo-00002').properties.desired.telemetryInterval).toBe(7);

    // The simulated device applies it and reports back; the page shows it without a reload.
    await expect
      .poll(() => twinValue(page, 'Reported properties', 'telemetryInterval').textContent(), {
        timeout: 15_000,
      })
      .toBe('7');
    await expect.poll(() => twin.textContent()).toMatch(/Device acknowledgement:\s*applied/);
    expect(await twinValue(page, 'Desired properties', 'telemetryInterval').textContent()).toBe('7');
    expect(await sameDocument(page)).toBe(true);

    // The audit history shows the patch, by this user.
    const history = page.getByRole('table', { name: 'Audit history of this device' });
    const entry = history.getByRole('row').filter({ hasText: 'Desired properties changed' }).first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain('user admin');
    expect(await entry.textContent()).toContain('"telemetryInterval":7');
    await context.close();
  });

  it('says when the twin changed meanwhile (412) and re-applies the edit on the current twin', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await openDevice(page, 'demo-00003');
    await page.getByRole('button', { name: 'Edit tags' }).click();
    const editor = page.getByLabel('Edit tags (JSON)');
    const tags = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    await editor.fill(JSON.stringify({ ...tags, room: 'B12' }));
    await page.getByRole('button', { name: 'Review changes' }).click();
    // Someone else writes the twin before this edit is applied.
    await e2e.hub.runtime.hub.twins.patch('demo-00003', { tags: { owner: 'facilities' } }, '*', {
      type: 'user',
      id: 'someone-else',
    });
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The twin changed meanwhile');
    await page.getByRole('button', { name: 'Reload and apply again' }).click();
    const diff = page.getByRole('table', { name: 'Changes to tags' });
    await expect
      .poll(() => diff.locator('tbody tr').allInnerTexts())
      .toEqual([expect.stringMatching(/^Added\s+room/)]);
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Tags saved' }).waitFor();
    // Both writes are kept: the other operator's and this one.
    expect(e2e.hub.runtime.hub.twins.get('demo-00003').tags).toMatchObject({
      owner: 'facilities',
      room: 'B12',
    });
    await context.close();
  });

  it('reboots a device and follows its reported reboot status through the pattern to done', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await openDevice(page, 'demo-00004');
    const ops = page.getByRole('region', { name: 'Operations' });
    await ops.getByLabel('Offline for (s)').fill('2');
    // Record every reboot status the page shows while it runs.
    await page.evaluate(`(() => {
      const seen = (window.__rebootSeen = []);
      const read = () => document.querySelector('[data-testid="reboot-status"]')?.textContent ?? '';
      new MutationObserver(() => {
        const now = read();
        if (seen[seen.length - 1] !== now) seen.push(now);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await ops.getByRole('button', { name: 'Reboot' }).click();
    await expect.poll(() => ops.getByTestId('reboot-status').textContent(), { timeout: 20_000 }).toBe('done');
    await expect.poll(() => ops.locator('.op-step-done').allInnerTexts()).toHaveLength(4);
    const seen = (await page.evaluate('window.__rebootSeen')) as string[];
    expect(seen).toContain('rebooting');
    expect(seen.indexOf('rebooting')).toBeLessThan(seen.lastIndexOf('done'));
    const log = (await ops.getByRole('log', { name: 'Operation events' }).textContent()) ?? '';
    const order = [
      'reboot requested',
      'rebootStatus: rebooting',
      'Device went offline',
      'Device is online',
      'rebootStatus: done',
    ];
    const positions = order.map((line) => log.indexOf(line));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(await sameDocument(page)).toBe(true);
    await screenshot(page, 'device');
    await context.close();
  });

  it('asks before a factory reset, then follows the reset to done', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    await openDevice(page, 'demo-00007');
    const ops = page.getByRole('region', { name: 'Operations' });
    await ops.getByRole('button', { name: 'Factory reset…' }).click();
    // Nothing happens before the confirmation; keeping the device cancels.
    await ops.getByRole('button', { name: 'Keep the device as it is' }).click();
    expect(await ops.getByTestId('factory-reset-status').textContent()).toBe('—');
    await ops.getByRole('button', { name: 'Factory reset…' }).click();
    await ops.getByRole('button', { name: 'Confirm factory reset' }).click();
    await expect
      .poll(() => ops.getByTestId('factory-reset-status').textContent(), { timeout: 15_000 })
      .toBe('done');
    await expect.poll(() => ops.locator('.op-step-done').count()).toBe(4);
    const log = (await ops.getByRole('log', { name: 'Operation events' }).textContent()) ?? '';
    expect(log.indexOf('factoryResetStatus: resetting')).toBeGreaterThan(-1);
    expect(log.indexOf('factoryResetStatus: resetting')).toBeLessThan(
      log.indexOf('factoryResetStatus: done'),
    );
    await context.close();
  });

  it('sends a C2D message the device acknowledges, calls any method, and shows telemetry arriving', async () => {
    const context = await e2e.newContext();
    const page = await signIn(context, e2e);
    const device = e2e.demo!.fleet.devices.find((d) => d.deviceId === 'demo-00005')!;
    const received: string[] = [];
    const stop = device.onEvent((event) => {
      if (event.type === 'c2dReceived') received.push(event.body);
    });
    await openDevice(page, 'demo-00005');

    const c2d = page.getByRole('region', { name: 'Cloud-to-device message' });
    await c2d.getByLabel('Message body').fill('{"command":"blink"}');
    await c2d.getByLabel('Properties (optional)').fill('priority=high');
    await c2d.getByRole('button', { name: 'Send message' }).click();
    await expect
      .poll(() => c2d.getByRole('status').textContent(), { timeout: 15_000 })
      .toContain('delivered, the device acknowledged it');
    expect(received).toContain('{"command":"blink"}');
    stop();

    const method = page.getByRole('region', { name: 'Direct method' });
    await method.getByLabel('Method name').fill('blink');
    await method.getByLabel('Payload (JSON)').fill('{"times": 3}');
    await method.getByRole('button', { name: 'Invoke method' }).click();
    await expect.poll(() => method.getByRole('status').textContent()).toContain('status 404');
    expect(await method.textContent()).toContain('Method blink is not implemented by this device.');

    const telemetry = page.getByRole('region', { name: 'Telemetry' });
    const rows = telemetry.getByRole('table', { name: 'Latest telemetry messages' }).locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(await rows.first().textContent()).toMatch(/temperature [\d.]+/);
    expect(await rows.first().textContent()).toContain('source=outpost-simulator');
    expect(await telemetry.textContent()).toContain('● Live');
    await context.close();
  });

  it('offers a viewer no edit, no method, no message and no key', async () => {
    const password = await createUser(e2e, 'dora', 'viewer');
    const context = await e2e.newContext();
    const page = await signIn(context, e2e, 'dora', password);
    await openDevice(page, 'demo-00006');
    await page.getByRole('region', { name: 'Twin' }).waitFor();
    await page.getByRole('table', { name: 'Reported properties' }).waitFor();
    const buttons = await page.getByRole('main').getByRole('button').allInnerTexts();
    expect(
      buttons.filter((b) => /edit|reboot|reset|send|invoke|reveal|connection string|apply/i.test(b)),
    ).toEqual([]);
    expect(await page.locator('main textarea').count()).toBe(0);
    const key = e2e.hub.runtime.hub.registry.get('demo-00006').authentication.symmetricKey.primaryKey!;
    expect(await page.getByRole('main').textContent()).not.toContain(key);
    expect(await page.getByRole('main').textContent()).toContain(
      'Keys and the connection string are shown to operators only.',
    );
    // What a viewer may see is there: the twin, operations progress, telemetry and history.
    await page.getByRole('region', { name: 'Telemetry' }).waitFor();
    await page.getByRole('table', { name: 'Audit history of this device' }).waitFor();
    await screenshot(page, 'device-viewer');
    await context.close();
  });
});
