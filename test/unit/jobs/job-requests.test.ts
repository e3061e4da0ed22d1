import { describe, expect, it } from 'vitest';
import { createFakeMethodLink, createFakeTimers, errorCode, jobHub, OWNER, settle } from './helpers';

describe('job requests', () => {
  it.each<[string, unknown, string]>([
    [
      'a condition that does not parse',
      { queryCondition: 'tags.site = ', updateTwin: { tags: { a: 1 } } },
      'INVALID_QUERY',
    ],
    ['no condition', { updateTwin: { tags: { a: 1 } } }, 'INVALID_ARGUMENT'],
    ['no updateTwin', { queryCondition: '*' }, 'INVALID_ARGUMENT'],
    ['an empty updateTwin', { queryCondition: '*', updateTwin: { etag: '*' } }, 'INVALID_ARGUMENT'],
    [
      'reported properties',
      { queryCondition: '*', updateTwin: { properties: { reported: { a: 1 } } } },
      'INVALID_ARGUMENT',
    ],
    ['a bad tag key', { queryCondition: '*', updateTwin: { tags: { 'a.b': 1 } } }, 'TWIN_LIMIT_EXCEEDED'],
    [
      'a bad start time',
      { queryCondition: '*', updateTwin: { tags: { a: 1 } }, startTime: 'soon' },
      'INVALID_ARGUMENT',
    ],
    [
      'a zero max time',
      { queryCondition: '*', updateTwin: { tags: { a: 1 } }, maxExecutionTimeInSeconds: 0 },
      'INVALID_ARGUMENT',
    ],
    [
      'a different body jobId',
      { jobId: 'other', queryCondition: '*', updateTwin: { tags: { a: 1 } } },
      'INVALID_ARGUMENT',
    ],
    ['an unknown type', { type: 'export', queryCondition: '*' }, 'INVALID_ARGUMENT'],
  ])('refuses %s', async (_name, body, code) => {
    const hub = await jobHub({ timers: createFakeTimers() });
    const full = { type: 'scheduleUpdateTwin', ...(body as object) };
    expect(await errorCode(() => hub.jobs.create('j', full, OWNER))).toBe(code);
    expect(hub.jobs.find('j')).toBeUndefined();
    await hub.close();
  });

  it('refuses a method job with a bad method name and accepts the SDK body without connect timeout', async () => {
    const hub = await jobHub({ timers: createFakeTimers() });
    const bad = {
      type: 'scheduleDeviceMethod',
      queryCondition: '*',
      cloudToDeviceMethod: { methodName: 'a/b' },
    };
    expect(await errorCode(() => hub.jobs.create('m', bad, OWNER))).toBe('INVALID_ARGUMENT');
    const sdk = {
      jobId: 'm',
      type: 'scheduleDeviceMethod',
      cloudToDeviceMethod: { methodName: 'reboot', payload: null, responseTimeoutInSeconds: 30 },
      startTime: null,
      queryCondition: "deviceId IN ['a', 'b']",
    };
    const job = await hub.jobs.create('m', sdk, OWNER);
    expect(job.cloudToDeviceMethod).toEqual({
      methodName: 'reboot',
      payload: null,
      responseTimeoutInSeconds: 30,
      connectTimeoutInSeconds: 0,
    });
    await hub.close();
  });

  it('refuses a second job with the same id, even when the first is finished', async () => {
    const hub = await jobHub({ timers: createFakeTimers() });
    const body = { type: 'scheduleUpdateTwin', queryCondition: '*', updateTwin: { tags: { a: 1 } } };
    await hub.jobs.create('dup', body, OWNER);
    await settle();
    expect(await errorCode(() => hub.jobs.create('dup', body, OWNER))).toBe('JOB_ALREADY_EXISTS');
    expect(await errorCode(() => hub.jobs.get('nope'))).toBe('JOB_NOT_FOUND');
    expect(await errorCode(() => hub.jobs.cancel('nope', OWNER))).toBe('JOB_NOT_FOUND');
    await hub.close();
  });

  it('lists jobs by type and status, paged with a continuation', async () => {
    const timers = createFakeTimers();
    const hub = await jobHub({ timers, link: createFakeMethodLink(timers) });
    const later = new Date(timers.clock.now() + 3_600_000).toISOString();
    for (let i = 0; i < 5; i++) {
      await hub.jobs.create(
        `t${i}`,
        { type: 'scheduleUpdateTwin', queryCondition: '*', updateTwin: { tags: { i } } },
        OWNER,
      );
    }
    await hub.jobs.create(
      'm0',
      {
        type: 'scheduleDeviceMethod',
        queryCondition: '*',
        cloudToDeviceMethod: { methodName: 'x' },
        startTime: later,
      },
      OWNER,
    );
    await settle();
    expect(hub.jobs.list().jobs.map((j) => j.jobId)).toEqual(['m0', 't0', 't1', 't2', 't3', 't4']);
    expect(hub.jobs.list({ jobType: 'scheduleDeviceMethod' }).jobs.map((j) => j.jobId)).toEqual(['m0']);
    expect(hub.jobs.list({ jobStatus: 'scheduled' }).jobs.map((j) => j.jobId)).toEqual(['m0']);
    expect(hub.jobs.list({ jobStatus: 'finished' }).jobs).toEqual([]);

    const seen: string[] = [];
    let continuation: string | undefined;
    let pages = 0;
    do {
      const page = hub.jobs.list({
        jobType: 'scheduleUpdateTwin',
        pageSize: 2,
        ...(continuation ? { continuation } : {}),
      });
      seen.push(...page.jobs.map((j) => j.jobId));
      continuation = page.continuation;
      pages += 1;
    } while (continuation);
    expect(seen).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(pages).toBe(3);
    const token = hub.jobs.list({ pageSize: 1 }).continuation as string;
    expect(await errorCode(() => hub.jobs.list({ jobStatus: 'completed', continuation: token }))).toBe(
      'INVALID_QUERY',
    );
    await hub.close();
  });
});
