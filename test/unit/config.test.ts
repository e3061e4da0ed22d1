import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHubError } from '../../core/src/errors';
import { describeConfigSources, type LoadConfigOptions, loadConfig } from '../../edge-runtime/src/config';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outpost-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(values: unknown): Promise<string> {
  const path = join(dir, 'outpost.json');
  await writeFile(path, typeof values === 'string' ? values : JSON.stringify(values));
  return path;
}

async function failure(options: LoadConfigOptions): Promise<string> {
  try {
    await loadConfig({ cwd: dir, ...options });
  } catch (err) {
    if (isHubError(err, 'INVALID_ARGUMENT')) {
      expect(err.message).not.toContain(';');
      return err.message;
    }
    throw err;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('uses the defaults when nothing is given', async () => {
    const config = await loadConfig({ cwd: dir, env: {} });
    const machine = hostname().toLowerCase();
    expect(config).toEqual({
      dataDir: join(dir, 'data'),
      hostName: /^[a-z0-9.-]+$/.test(machine) ? machine : 'localhost',
      hostAliases: [],
      bind: '0.0.0.0',
      httpsPort: 8443,
      mqttsPort: 8883,
      sans: [],
      clockSkewSeconds: 300,
      logLevel: 'info',
    });
  });

  it('reads every environment variable', async () => {
    const config = await loadConfig({
      cwd: dir,
      env: {
        OUTPOST_DATA_DIR: 'state',
        OUTPOST_HOST_NAME: 'Hub.Example.COM',
        OUTPOST_HOST_ALIASES: '192.168.1.10, hub , ',
        OUTPOST_BIND: '192.168.1.10',
        OUTPOST_HTTPS_PORT: '443',
        OUTPOST_MQTTS_PORT: '0',
        OUTPOST_SANS: '*.example.com,10.0.0.1',
        OUTPOST_CLOCK_SKEW_SECONDS: '60',
        OUTPOST_LOG_LEVEL: 'DEBUG',
        OUTPOST_HUB_ID: 'site-7',
      },
    });
    expect(config).toEqual({
      dataDir: join(dir, 'state'),
      hostName: 'hub.example.com',
      hostAliases: ['192.168.1.10', 'hub'],
      bind: '192.168.1.10',
      httpsPort: 443,
      mqttsPort: 0,
      sans: ['*.example.com', '10.0.0.1'],
      clockSkewSeconds: 60,
      logLevel: 'debug',
      hubId: 'site-7',
    });
  });

  it('ranks CLI flag over environment variable over config file over default', async () => {
    const path = await configFile({ httpsPort: 1001, mqttsPort: 1002, bind: '::', logLevel: 'warn' });
    const config = await loadConfig({
      cwd: dir,
      configFile: path,
      env: { OUTPOST_HTTPS_PORT: '2001', OUTPOST_MQTTS_PORT: '2002' },
      argv: { httpsPort: '3001', unrelatedFlag: true },
    });
    expect(config.httpsPort).toBe(3001);
    expect(config.mqttsPort).toBe(2002);
    expect(config.bind).toBe('::');
    expect(config.logLevel).toBe('warn');
    expect(config.clockSkewSeconds).toBe(300);
  });

  it('treats an empty environment variable as unset', async () => {
    const path = await configFile({ httpsPort: 1001 });
    expect(
      (await loadConfig({ cwd: dir, configFile: path, env: { OUTPOST_HTTPS_PORT: '' } })).httpsPort,
    ).toBe(1001);
  });

  it('finds the config file through --config and OUTPOST_CONFIG', async () => {
    const path = await configFile({ mqttsPort: 1883 });
    expect((await loadConfig({ cwd: dir, argv: { config: 'outpost.json' } })).mqttsPort).toBe(1883);
    expect((await loadConfig({ cwd: dir, env: { OUTPOST_CONFIG: path } })).mqttsPort).toBe(1883);
  });

  it('resolves a dataDir from the config file against the file, and from flags against cwd', async () => {
    const path = await configFile({ dataDir: 'hub-data' });
    expect((await loadConfig({ cwd: '/', configFile: path })).dataDir).toBe(join(dir, 'hub-data'));
    expect((await loadConfig({ cwd: dir, argv: { dataDir: '/abs/x' } })).dataDir).toBe('/abs/x');
  });

  it('accepts lists as repeated flags, comma text and JSON arrays', async () => {
    expect((await loadConfig({ cwd: dir, argv: { sans: ['a.local,b.local', 'c.local'] } })).sans).toEqual([
      'a.local',
      'b.local',
      'c.local',
    ]);
    const path = await configFile({ hostAliases: ['Edge-1', '::1'] });
    expect((await loadConfig({ cwd: dir, configFile: path })).hostAliases).toEqual(['edge-1', '::1']);
  });

  it('accepts numbers from a CLI parser as well as text', async () => {
    expect((await loadConfig({ cwd: dir, argv: { httpsPort: 9443 } })).httpsPort).toBe(9443);
  });

  it.each([
    [{ argv: { httpsPort: '65536' } }, /--https-port: must be a whole number from 0 to 65535/],
    [{ argv: { mqttsPort: '88.3' } }, /--mqtts-port: must be a whole number/],
    [{ env: { OUTPOST_HTTPS_PORT: '0x20' } }, /OUTPOST_HTTPS_PORT: must be a whole number/],
    [{ env: { OUTPOST_MQTTS_PORT: '-1' } }, /OUTPOST_MQTTS_PORT: must be a whole number/],
    [{ env: { OUTPOST_BIND: 'localhost' } }, /OUTPOST_BIND: must be an IP address/],
    [{ argv: { hostName: 'bad_name.local' } }, /--host-name: must be a DNS name or an IP address/],
    [{ argv: { hostName: '' } }, /--host-name/],
    [{ env: { OUTPOST_HOST_ALIASES: 'ok.local,-bad' } }, /OUTPOST_HOST_ALIASES: .*\(item 1\)/],
    [{ env: { OUTPOST_SANS: 'a..b' } }, /OUTPOST_SANS: must be a DNS name, a \*\. wildcard/],
    [
      { env: { OUTPOST_CLOCK_SKEW_SECONDS: '90000' } },
      /OUTPOST_CLOCK_SKEW_SECONDS: must be a whole number from 0 to 86400/,
    ],
    [{ env: { OUTPOST_LOG_LEVEL: 'verbose' } }, /OUTPOST_LOG_LEVEL: must be one of debug, info, warn, error/],
    [{ env: { OUTPOST_HUB_ID: 'a;b' } }, /OUTPOST_HUB_ID: must be 1 to 64/],
  ] as [LoadConfigOptions, RegExp][])('refuses %j naming its source', async (options, message) => {
    expect(await failure(options)).toMatch(message);
  });

  it('names the file key for bad file values, and reports every problem at once', async () => {
    const path = await configFile({ httpsPort: '8443', bind: '0.0.0.0.0' });
    const message = await failure({ configFile: path });
    expect(message).toContain(`httpsPort in ${path}: must be a whole number`);
    expect(message).toContain(`bind in ${path}: must be an IP address`);
  });

  it('refuses unknown keys, bad JSON, a non-object and a missing file', async () => {
    expect(await failure({ configFile: await configFile({ httpPort: 1 }) })).toMatch(/unknown keys httpPort/);
    expect(await failure({ configFile: await configFile('{ nope') })).toMatch(/not valid JSON/);
    expect(await failure({ configFile: await configFile([1]) })).toMatch(/must hold a JSON object/);
    expect(await failure({ configFile: join(dir, 'missing.json') })).toMatch(/Cannot read the config file/);
  });
});

describe('describeConfigSources', () => {
  it('lists every flag and environment variable', () => {
    const text = describeConfigSources();
    for (const name of [
      'OUTPOST_DATA_DIR',
      'OUTPOST_HOST_NAME',
      'OUTPOST_HOST_ALIASES',
      'OUTPOST_BIND',
      'OUTPOST_HTTPS_PORT',
      'OUTPOST_MQTTS_PORT',
      'OUTPOST_SANS',
      'OUTPOST_CLOCK_SKEW_SECONDS',
      'OUTPOST_LOG_LEVEL',
      'OUTPOST_CONFIG',
      '--https-port',
      '--clock-skew-seconds',
      '--config',
    ]) {
      expect(text).toContain(name);
    }
  });
});
