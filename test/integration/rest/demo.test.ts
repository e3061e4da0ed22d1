import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, seedDemo, startDemo } from '../../../edge-runtime/src/demo/demo-fleet';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
let demo: Demo;

beforeAll(async () => {
  hub = await startTestHub();
  demo = await startDemo(hub.runtime, { telemetryIntervalSeconds: 1 });
}, 60_000);
afterAll(async () => {
  await demo?.close();
  await hub?.close();
});

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('outpost start --demo (in-process)', () => {
  it('connects 50 tagged devices across 4 sites that report and send telemetry', async () => {
    expect(demo.fleet.summary.connected).toBe(50);
    expect(hub.runtime.gatewayStats().connectionsOpen).toBe(50);
    const rows = await hub.call('POST', '/devices/query', {
      body: { query: 'SELECT tags.site, COUNT() AS n FROM devices GROUP BY tags.site' },
    });
    expect(rows.status).toBe(200);
    const bySite = rows.json as { site: string; n: number }[];
    expect(bySite.map((r) => r.site).sort()).toEqual(['lisbon', 'lyon', 'madrid', 'porto']);
    const twin = hub.runtime.hub.twins.get('demo-00001');
    expect(twin.tags).toMatchObject({ site: 'lisbon', floor: 1, type: 'thermostat' });
    await until(() => hub.runtime.gatewayStats().telemetryAccepted >= 50);
    await until(
      () => typeof hub.runtime.hub.twins.get('demo-00050').properties.reported.firmwareVersion === 'string',
    );
  });

  it('leaves two configurations and a completed job behind, and is idempotent', async () => {
    expect(
      hub.runtime.hub.configurations
        .list()
        .map((c) => c.id)
        .sort(),
    ).toEqual(['demo-lisbon-fast-telemetry', 'demo-meters-debug-logs']);
    expect(demo.seeded.job?.status).toBe('completed');
    expect(hub.runtime.hub.jobs.get('demo-report-interval').deviceJobStatistics?.succeededCount).toBe(50);
    // A meter got the debug log level from its configuration.
    await until(() => hub.runtime.hub.twins.get('demo-00004').properties.desired.logLevel === 'debug');
    expect(await seedDemo(hub.runtime.hub)).toEqual({ devices: 0, configurations: [] });
  });
});
