/**
 * The official azure-iothub SDK, unmodified, creating, reading, updating and removing configurations
 * against a real runtime on :443 (service-api.md §2.7, §3.5). The SDK runs in a child process
 * (clients/configurations-client.ts) that prints one JSON line per step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompatHub, startCompatHub } from '../helpers/compat-hub';
import { type CompatRun, runCompatClient } from '../helpers/compat-runner';

type View = {
  id: string;
  schemaVersion: string;
  priority: number;
  labels: Record<string, string>;
  etag: string;
  content: unknown;
  systemMetrics: { queries: Record<string, string>; results: Record<string, number> };
  metrics: { queries: Record<string, string>; results: Record<string, number> };
};

let hub: CompatHub;
let run: CompatRun;

beforeAll(async () => {
  hub = await startCompatHub();
  run = await runCompatClient('test/compat/clients/configurations-client.ts', {
    env: { ...hub.childEnv(), OUTPOST_CS: hub.connectionString() },
    timeoutMs: 150_000,
  });
}, 180_000);
afterAll(() => hub?.close());

describe('azure-iothub Registry configurations (unmodified) against Outpost on :443', () => {
  it('runs the whole scenario to the end', () => {
    expect(run.timedOut).toBe(false);
    run.ok('done');
    expect(run.code).toBe(0);
  });

  it('adds a configuration (schemaVersion filled in by the SDK) and reads it back with systemMetrics', () => {
    const added = run.ok<View>('add');
    expect(added).toMatchObject({
      id: 'fw-rollout',
      schemaVersion: '1.0',
      priority: 10,
      labels: { ring: '1' },
    });
    expect(added.systemMetrics.queries).toEqual({
      targetedCount: "select deviceId from devices where tags.site='plantA'",
      appliedCount: "select deviceId from devices where configurations.[[fw-rollout]].status = 'Applied'",
    });
    const applied = run.ok<View>('getApplied');
    expect(applied.systemMetrics.results).toEqual({ targetedCount: 2, appliedCount: 2 });
    expect(applied.metrics).toEqual({
      queries: { onOld: "SELECT deviceId FROM devices WHERE tags.site = 'plantB'" },
      results: { onOld: 1 },
    });
    expect(run.ok('list')).toEqual(['fw-rollout']);
    expect(run.ok('twin')).toEqual({
      configurations: { 'fw-rollout': { status: 'Applied' } },
      firmware: { version: '1.3' },
    });
  });

  it('updates from the object as read back, and refuses a stale etag and changed content', () => {
    const before = run.ok<View>('getApplied');
    const updated = run.ok<View>('update');
    expect(updated).toMatchObject({ priority: 20, labels: { ring: '2' } });
    expect(updated.etag).not.toBe(before.etag);
    expect(run.failed('updateStale')).toMatchObject({ name: 'InvalidEtagError', statusCode: 412 });
    const immutable = run.failed('updateContent');
    expect(immutable).toMatchObject({ name: 'ArgumentError', statusCode: 400 });
    expect(immutable.responseBody).toContain('ErrorCode:CannotModifyImmutableConfigurationContent;');
  });

  it('answers a duplicate with 409 and removes with 204, after which the id is unknown', () => {
    const dup = run.failed('addDuplicate');
    expect(dup).toMatchObject({ name: 'DeviceAlreadyExistsError', statusCode: 409 });
    expect(dup.responseBody).toContain('ErrorCode:ConfigurationAlreadyExists;');
    expect(run.ok('remove')).toBe(204);
    const gone = run.failed('getRemoved');
    expect(gone.statusCode).toBe(404);
    expect(gone.responseBody).toContain('ErrorCode:ConfigurationNotFound;');
  });
});
