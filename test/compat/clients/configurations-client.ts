/**
 * Drives the unmodified azure-iothub Registry's configuration calls against a hub and prints one JSON
 * line per step (compat-child.ts). Env: OUTPOST_CS (iothubowner). The hub must be fresh.
 * Run by test/compat/azure-iothub-configurations.test.ts.
 */
import iothub, { type Configuration } from 'azure-iothub';
import { finish, requireEnv, step } from '../../helpers/compat-child';

// azure-iothub is CommonJS whose exports Node's ESM loader cannot list: take them from the default.
const { Registry } = iothub;

const registry = Registry.fromConnectionString(requireEnv('OUTPOST_CS'));
const view = (c: Configuration) => ({
  id: c.id,
  schemaVersion: c.schemaVersion,
  priority: c.priority,
  labels: c.labels,
  targetCondition: c.targetCondition,
  etag: c.etag,
  content: c.content,
  systemMetrics: c.systemMetrics,
  metrics: c.metrics,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sites: Record<string, string> = { 'cfg-a': 'plantA', 'cfg-b': 'plantA', 'cfg-c': 'plantB' };
for (const [deviceId, site] of Object.entries(sites)) {
  await registry.create({ deviceId });
  await registry.updateTwin(deviceId, { tags: { site } }, '*');
}
await registry.updateTwin('cfg-a', { properties: { desired: { firmware: { version: '1.2' } } } }, '*');

const fw: Configuration = {
  id: 'fw-rollout',
  schemaVersion: '',
  labels: { ring: '1' },
  content: { deviceContent: { 'properties.desired.firmware': { version: '1.3' } } },
  targetCondition: "tags.site='plantA'",
  priority: 10,
  metrics: { queries: { onOld: "SELECT deviceId FROM devices WHERE tags.site = 'plantB'" } },
};
await step(
  'add',
  () => registry.addConfiguration(fw),
  (r) => view(r.responseBody),
);

// Evaluation runs shortly after the change: read back until both twins are counted as applied.
let applied: Configuration | undefined;
for (let i = 0; i < 50; i++) {
  applied = (await registry.getConfiguration('fw-rollout')).responseBody;
  if (applied.systemMetrics?.results?.appliedCount === 2) break;
  await sleep(100);
}
await step('getApplied', async () => applied as Configuration, view);
await step(
  'list',
  () => registry.getConfigurations(),
  (r) => r.responseBody.map((c) => c.id),
);
await step(
  'twin',
  () => registry.getTwin('cfg-a'),
  (r) => {
    const t = r.responseBody as unknown as {
      configurations?: unknown;
      properties: { desired: Record<string, unknown> };
    };
    return { configurations: t.configurations, firmware: t.properties.desired.firmware };
  },
);

// updateConfiguration resends the whole object as read back, read-only members included.
const read = (await registry.getConfiguration('fw-rollout')).responseBody;
await step(
  'update',
  () => registry.updateConfiguration({ ...read, priority: 20, labels: { ring: '2' } }),
  (r) => view(r.responseBody),
);
await step(
  'updateStale',
  () => registry.updateConfiguration({ ...read, priority: 30 }),
  (r) => view(r.responseBody),
);
await step(
  'updateContent',
  () =>
    registry.updateConfiguration(
      { ...read, content: { deviceContent: { 'properties.desired.firmware': { version: '9.9' } } } },
      true,
    ),
  (r) => view(r.responseBody),
);
await step(
  'addDuplicate',
  () => registry.addConfiguration({ ...fw }),
  (r) => view(r.responseBody),
);
await step(
  'remove',
  () => registry.removeConfiguration('fw-rollout'),
  (r) => r.httpResponse.statusCode,
);
await step(
  'getRemoved',
  () => registry.getConfiguration('fw-rollout'),
  (r) => view(r.responseBody),
);
finish();
