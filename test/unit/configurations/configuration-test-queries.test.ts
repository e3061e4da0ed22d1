import { testConfigurationQueries } from '@outpost/core';
import { describe, expect, it } from 'vitest';

const twins = [
  { deviceId: 'a', tags: { site: 'lisbon' } },
  { deviceId: 'b', tags: { site: 'lisbon' } },
  { deviceId: 'c', tags: { site: 'porto' } },
];
const count = (condition: { test(doc: Record<string, unknown>): boolean }) =>
  twins.filter((t) => condition.test(t)).length;

describe('testConfigurationQueries', () => {
  it('counts the devices a valid target condition matches, * included', () => {
    expect(testConfigurationQueries({ targetCondition: "tags.site = 'lisbon'" }, count)).toEqual({
      targetConditionError: '',
      customMetricQueryErrors: {},
      targetedCount: 2,
    });
    expect(testConfigurationQueries({ targetCondition: '*' }, count).targetedCount).toBe(3);
  });

  it('answers a bad condition as an error in the result, without a count', () => {
    const syntax = testConfigurationQueries({ targetCondition: "tags.site = 'lisbon" }, count);
    expect(syntax.targetConditionError).toMatch(/^targetCondition: /);
    expect(syntax.targetedCount).toBeUndefined();
    const desired = testConfigurationQueries({ targetCondition: 'properties.desired.x = 1' }, count);
    expect(desired.targetConditionError).toMatch(/may not test properties\.desired\.x/);
    expect(testConfigurationQueries({ targetCondition: '  ' }, count).targetConditionError).toMatch(
      /required/,
    );
  });

  it('lists only the custom metric queries that do not parse', () => {
    const result = testConfigurationQueries(
      {
        customMetricQueries: {
          good: 'SELECT deviceId FROM devices WHERE properties.reported.x = 1',
          bad: 'SELECT FROM devices',
          $system: 'SELECT deviceId FROM devices',
        },
      },
      count,
    );
    expect(Object.keys(result.customMetricQueryErrors).sort()).toEqual(['$system', 'bad']);
    expect(result.targetedCount).toBeUndefined();
  });

  it('refuses a body of the wrong shape', () => {
    expect(() => testConfigurationQueries([], count)).toThrow(/body must be/);
    expect(() => testConfigurationQueries({ targetCondition: 1 }, count)).toThrow(/must be a string/);
    expect(() => testConfigurationQueries({ customMetricQueries: { a: 1 } }, count)).toThrow(
      /customMetricQueries\.a/,
    );
    const six = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`m${i}`, 'SELECT deviceId FROM devices']),
    );
    expect(() => testConfigurationQueries({ customMetricQueries: six }, count)).toThrow(/at most 5/);
  });
});
