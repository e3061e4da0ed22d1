import { describe, expect, it } from 'vitest';
import { createUser, screenshot, signIn, useE2eHub } from './harness';

const e2e = useE2eHub({ devices: 0 });

describe('the operator app shell in Chromium', () => {
  it('refuses a wrong password in place, then signs in and shows the navigation', async () => {
    const context = await e2e.newContext();
    const page = await context.newPage();
    await page.goto(e2e.url);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/user name or password is wrong/i);
    await screenshot(page, 'sign-in');
    await context.close();

    const ctx2 = await e2e.newContext();
    const signedIn = await signIn(ctx2, e2e);
    const nav = signedIn.getByRole('navigation', { name: 'Main' });
    for (const label of [
      'Fleet',
      'Provision',
      'Configure',
      'Monitor',
      'Retire',
      'Audit',
      'Users and roles',
      'Hub',
    ]) {
      expect(await nav.getByRole('link', { name: label }).count()).toBe(1);
    }
    await signedIn.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // Going to another page puts the keyboard focus on its content, not on the link left behind.
    await nav.getByRole('link', { name: 'Hub' }).click();
    await expect
      .poll(() =>
        signedIn.evaluate(
          () =>
            (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document
              .activeElement?.id,
        ),
      )
      .toBe('main');
    await ctx2.close();
  });

  it('offers a viewer no screen that changes things', async () => {
    const password = await createUser(e2e, 'vera', 'viewer');
    const context = await e2e.newContext();
    const page = await signIn(context, e2e, 'vera', password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Provision' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Retire' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Users and roles' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Fleet' }).count()).toBe(1);
    await context.close();
  });

  it('lets any role change its own password and stay signed in; the old password stops working', async () => {
    const old = await createUser(e2e, 'pia', 'viewer');
    const context = await e2e.newContext();
    const page = await signIn(context, e2e, 'pia', old);
    await page.getByRole('link', { name: /pia/ }).click();
    await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
    await page.getByLabel('Current password').fill(old);
    await page.getByLabel('New password', { exact: true }).fill('pia-new-password-42');
    await page.getByLabel('New password again').fill('pia-new-password-4');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/differ/);
    await page.getByLabel('New password again').fill('pia-new-password-42');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();
    await screenshot(page, 'account');
    // Still signed in with the fresh token: a screen that calls the API still loads.
    await page.getByRole('link', { name: 'Hub' }).click();
    await page.getByText(e2e.hub.runtime.hub.hubId).first().waitFor();
    await context.close();

    const again = await e2e.newContext();
    const login = await again.newPage();
    await login.goto(e2e.url);
    await login.getByLabel('User name').fill('pia');
    await login.getByLabel('Password').fill(old);
    await login.getByRole('button', { name: 'Sign in' }).click();
    await expect(login.getByRole('alert').textContent()).resolves.toMatch(/wrong/i);
    await again.close();
    const fresh = await e2e.newContext();
    await signIn(fresh, e2e, 'pia', 'pia-new-password-42');
    await fresh.close();
  });

  it('signs in by itself in the desktop app: the preload hands over the hub URL and a one-time token', async () => {
    // What electron/src/preload.ts exposes, stood in by an init script: the main process gives the
    // embedded hub's URL (with its trailing slash) and a token it issued with hub.logins.
    const { token } = await e2e.hub.runtime.hub.logins.issueOneTimeToken('admin');
    const context = await e2e.newContext();
    await context.addInitScript(
      ({ hubUrl, oneTimeToken }) => {
        let handedOut = false;
        (globalThis as unknown as { outpost: unknown }).outpost = {
          appInfo: async () => ({ version: '0.1.0', platform: 'linux', mode: 'embedded' }),
          embeddedSession: async () => {
            if (handedOut) return null;
            handedOut = true;
            return { hubUrl, oneTimeToken };
          },
          openFile: async () => null,
          saveFile: async () => false,
        };
      },
      { hubUrl: e2e.url, oneTimeToken: token },
    );
    const page = await context.newPage();
    await page.goto(e2e.url);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.getByRole('link', { name: /admin/ }).textContent()).toContain('admin');
    await context.close();
  });

  it('follows a role taken away mid-session: no sign-out, and the screens of the old role go', async () => {
    const password = await createUser(e2e, 'odo', 'operator');
    const context = await e2e.newContext();
    const page = await signIn(context, e2e, 'odo', password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Provision' }).click();
    await e2e.hub.runtime.hub.users.setRole('odo', 'viewer', { type: 'user', id: 'admin' });
    // The next write is refused (IoT Hub routes answer 401 for a role too weak); the app asks the
    // hub who it is, keeps the session and takes the new role.
    await page.getByLabel('Device id').fill('odo-device');
    await page.getByRole('button', { name: 'Create device' }).click();
    await expect.poll(() => nav.getByRole('link', { name: 'Provision' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: /odo/ }).textContent()).toContain('viewer');
    expect(await page.getByLabel('User name').count()).toBe(0);
    await context.close();
  });
});
