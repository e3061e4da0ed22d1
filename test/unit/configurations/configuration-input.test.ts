import {
  compileConfigurationQueries,
  type HubError,
  MAX_CONFIGURATION_ID_LENGTH,
  parseConfigurationInput,
  validateConfigurationId,
} from '@outpost/core';
import { describe, expect, it } from 'vitest';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as HubError).code;
  }
  return 'none';
};
const content = { deviceContent: { 'properties.desired.fw': '1.0' } };

describe('configuration ids', () => {
  it.each([['fw-rollout'], ["a:b+c%d_e#f*g?h!i(j)k,l=m@n;o$p'q"], ['x'.repeat(MAX_CONFIGURATION_ID_LENGTH)]])(
    'accepts %s',
    (id) => {
      expect(validateConfigurationId(id)).toBe(id);
    },
  );

  it.each([
    [''],
    ['Upper'],
    ['has space'],
    ['x'.repeat(MAX_CONFIGURATION_ID_LENGTH + 1)],
    ...['&', '^', '[', ']', '{', '}', '\\', '|', '"', '<', '>', '/'].map((c) => [`a${c}b`]),
  ])('refuses %j', (id) => {
    expect(codeOf(() => validateConfigurationId(id))).toBe('INVALID_ARGUMENT');
  });
});

describe('configuration bodies', () => {
  it('fills in defaults and ignores the read-only members the SDK resends', () => {
    const input = parseConfigurationInput({
      id: 'c1',
      content,
      targetCondition: '*',
      etag: 'MQ==',
      createdTimeUtc: 'x',
      systemMetrics: { queries: {}, results: { targetedCount: 3 } },
      metrics: { queries: { ok: 'SELECT deviceId FROM devices' }, results: { ok: 1 } },
    });
    expect(input).toEqual({
      id: 'c1',
      schemaVersion: '1.0',
      labels: {},
      content,
      targetCondition: '*',
      priority: 0,
      metricQueries: { ok: 'SELECT deviceId FROM devices' },
    });
  });

  it.each([
    ['a negative priority', { content, priority: -1 }],
    ['a fractional priority', { content, priority: 1.5 }],
    ['a key outside properties.desired', { content: { deviceContent: { 'properties.reported.x': 1 } } }],
    ['a bare properties.desired key', { content: { deviceContent: { 'properties.desired.': 1 } } }],
    ['an empty segment', { content: { deviceContent: { 'properties.desired.a..b': 1 } } }],
    ['a $ key', { content: { deviceContent: { 'properties.desired.$x': 1 } } }],
    ['empty content', { content: { deviceContent: {} } }],
    ['module content', { content: { ...content, modulesContent: { $edgeAgent: {} } } }],
    ['a label value that is not a string', { content, labels: { ring: 1 } }],
    ['a $ label', { content, labels: { $x: 'y' } }],
    [
      'six metrics',
      {
        content,
        metrics: {
          queries: Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`m${i}`, 'SELECT * FROM devices'])),
        },
      },
    ],
  ])('refuses %s with 400', (_what, body) => {
    expect(codeOf(() => parseConfigurationInput(body))).toMatch(/INVALID_ARGUMENT|TWIN_LIMIT_EXCEEDED/);
  });

  it('checks content against the twin limits (string size)', () => {
    const body = { content: { deviceContent: { 'properties.desired.blob': 'x'.repeat(5000) } } };
    expect(codeOf(() => parseConfigurationInput(body))).toBe('TWIN_LIMIT_EXCEEDED');
  });
});

describe('configuration queries', () => {
  it('builds the system metric queries as IoT Hub shows them', () => {
    const q = compileConfigurationQueries('fw-rollout', "tags.site='plantA'", {});
    expect(q.system).toEqual({
      targetedCount: "select deviceId from devices where tags.site='plantA'",
      appliedCount: "select deviceId from devices where configurations.[[fw-rollout]].status = 'Applied'",
    });
    expect(compileConfigurationQueries('all', '*', {}).system.targetedCount).toBe(
      'select deviceId from devices',
    );
  });

  it.each([
    ['a syntax error', 'tags.site ='],
    ['an empty condition', ''],
    ['a condition on desired properties', "properties.desired.fw = '1'"],
    ['a condition on configuration markers', "configurations.[[x]].status = 'Applied'"],
  ])('refuses %s', (_what, cond) => {
    expect(codeOf(() => compileConfigurationQueries('c', cond, {}))).toMatch(
      /INVALID_ARGUMENT|INVALID_QUERY/,
    );
  });

  it('refuses a metric query that does not parse, naming the metric', () => {
    try {
      compileConfigurationQueries('c', '*', { broken: 'SELECT FROM' });
      expect.unreachable();
    } catch (err) {
      expect((err as HubError).code).toBe('INVALID_QUERY');
      expect((err as HubError).message).toMatch(/^metrics\.queries\.broken: /);
    }
  });
});
