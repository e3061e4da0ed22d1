import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closeBeforeQuit } from '../../electron/src/main/app-lifecycle';
import { type EmbeddedHub, embeddedDataDir, startEmbeddedHub } from '../../electron/src/main/embedded-hub';
import { FakeApp } from './fake-electron';
import { isListening, portOf, startFakeDesktop, tempUserData } from './helpers';

describe('closeBeforeQuit', () => {
  const setUp = (close: () => Promise<void> | undefined, deadlineMs?: number) => {
    const app = new FakeApp('/nowhere');
    const logged: string[] = [];
    closeBeforeQuit(
      app,
      close,
      (message, fields) => logged.push(`${message}: ${String(fields.error)}`),
      deadlineMs,
    );
    return { app, logged };
  };

  it('exits 0 once the close succeeded', async () => {
    const { app } = setUp(async () => {});
    expect(app.requestQuit()).toBe(true);
    expect(await app.whenExited()).toBe(0);
    expect(app.requestQuit()).toBe(false);
  });

  it('exits 1 when the close fails, saying why', async () => {
    const { app, logged } = setUp(() => Promise.reject(new Error('store flush failed')));
    expect(app.requestQuit()).toBe(true);
    expect(await app.whenExited()).toBe(1);
    expect(app.exits).toEqual([1]);
    expect(logged).toEqual(['closing the embedded hub failed: store flush failed']);
  });

  it('exits 1 when the close hangs past the deadline', async () => {
    const { app, logged } = setUp(() => new Promise<void>(() => {}), 50);
    expect(app.requestQuit()).toBe(true);
    expect(app.requestQuit()).toBe(true);
    expect(await app.whenExited()).toBe(1);
    expect(app.exits).toEqual([1]);
    expect(logged[0]).toMatch(/did not close within 0\.05 s/);
  });

  it('lets the quit go ahead when there is nothing to close', () => {
    let asked = 0;
    const { app } = setUp(() => {
      asked += 1;
      return undefined;
    });
    expect(app.requestQuit()).toBe(false);
    expect(asked).toBe(1);
    expect(app.exits).toEqual([]);
  });
});

describe('quitting the desktop app', () => {
  it('a quit while the embedded hub starts waits for the start, then closes the hub and exits 0', async () => {
    const userData = await tempUserData();
    try {
      let started: EmbeddedHub | undefined;
      let heldDuringStart: boolean | undefined;
      const { fake, desktop } = startFakeDesktop(userData.dir, {
        startEmbeddedHub: async (options) => {
          const starting = startEmbeddedHub(options);
          // The app has begun the start and not seen it finish: the user quits now.
          await new Promise((resolve) => setImmediate(resolve));
          heldDuringStart = fake.app.requestQuit();
          started = await starting;
          return started;
        },
      });
      await desktop.ready;
      expect(heldDuringStart).toBe(true);
      expect(await fake.app.whenExited()).toBe(0);
      expect(fake.app.exits).toEqual([0]);
      if (!started) throw new Error('the hub did not start');
      expect(await isListening(portOf(started.hubUrl))).toBe(false);
      // No window for an app on its way out.
      expect(fake.windows).toEqual([]);
    } finally {
      await userData.remove();
    }
  });

  it('a quit before the hub start began keeps it from starting', async () => {
    const userData = await tempUserData();
    try {
      let starts = 0;
      const { fake, desktop } = startFakeDesktop(userData.dir, {
        startEmbeddedHub: (options) => {
          starts += 1;
          return startEmbeddedHub(options);
        },
      });
      expect(fake.app.requestQuit()).toBe(false);
      await desktop.ready;
      expect(starts).toBe(0);
      expect(existsSync(embeddedDataDir(userData.dir))).toBe(false);
      expect(fake.windows).toEqual([]);
    } finally {
      await userData.remove();
    }
  });

  it('exits 1 after the deadline when the hub does not close', async () => {
    const userData = await tempUserData();
    let real: EmbeddedHub | undefined;
    try {
      const { fake, desktop } = startFakeDesktop(userData.dir, {
        quitDeadlineMs: 100,
        startEmbeddedHub: async (options) => {
          real = await startEmbeddedHub(options);
          return { ...real, close: () => new Promise<void>(() => {}) };
        },
      });
      await desktop.ready;
      expect(fake.windows).toHaveLength(1);
      expect(fake.app.requestQuit()).toBe(true);
      expect(await fake.app.whenExited()).toBe(1);
      expect(fake.app.exits).toEqual([1]);
    } finally {
      await real?.close();
      await userData.remove();
    }
  });

  it('exits 1 when closing the hub fails', async () => {
    const userData = await tempUserData();
    let real: EmbeddedHub | undefined;
    try {
      const { fake, desktop } = startFakeDesktop(userData.dir, {
        startEmbeddedHub: async (options) => {
          real = await startEmbeddedHub(options);
          const hub = real;
          return { ...hub, close: () => hub.close().then(() => Promise.reject(new Error('flush failed'))) };
        },
      });
      await desktop.ready;
      expect(fake.app.requestQuit()).toBe(true);
      expect(await fake.app.whenExited()).toBe(1);
    } finally {
      await real?.close();
      await userData.remove();
    }
  });
});
