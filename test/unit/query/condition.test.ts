import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../core/src/errors';
import { matchesCondition, parseCondition } from '../../../core/src/query';
import { type Doc, loadFixture, withTwinDefaults } from './fleet';

const fleet = loadFixture().fleet.map(withTwinDefaults);
const selected = (condition: string) => {
  const cond = parseCondition(condition);
  return fleet.filter((t) => matchesCondition(cond, t)).map((t) => t.deviceId);
};

function conditionError(text: string): Error & { details?: { position?: number } } {
  try {
    parseCondition(text);
  } catch (err) {
    expect(isHubError(err, 'INVALID_QUERY'), String(err)).toBe(true);
    return err as Error & { details?: { position?: number } };
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('parseCondition / matchesCondition', () => {
  it('treats * as every twin, even an empty document', () => {
    for (const text of ['*', ' * ']) {
      const cond = parseCondition(text);
      expect(cond.expr).toBeUndefined();
      expect(fleet.every((t) => matchesCondition(cond, t))).toBe(true);
      expect(matchesCondition(cond, {})).toBe(true);
    }
  });

  it('evaluates a job queryCondition over device twins', () => {
    expect(selected("tags.site = 'plantA'")).toEqual(['therm-01', 'therm-02', 'gw-01']);
    expect(selected("tags.site = 'plantA' AND properties.reported.battery < 20")).toEqual(['therm-02']);
    expect(selected("deviceId IN ['valve-01', 'valve-02'] OR capabilities.iotEdge = true")).toEqual([
      'valve-01',
      'valve-02',
      'gw-01',
    ]);
    expect(selected('NOT IS_DEFINED(tags.site)')).toEqual(['sensor-x']);
  });

  it('passes only Boolean true', () => {
    const cond = parseCondition('tags.site');
    expect(matchesCondition(cond, { tags: { site: 'plantA' } } as Doc)).toBe(false);
    expect(matchesCondition(parseCondition('tags.on'), { tags: { on: true } })).toBe(true);
  });

  it('reuses one compiled condition for many documents', () => {
    const cond = parseCondition("STARTSWITH(deviceId, 'therm')");
    expect(fleet.filter((t) => matchesCondition(cond, t))).toHaveLength(3);
    expect(cond.text).toBe("STARTSWITH(deviceId, 'therm')");
  });

  it('rejects bad conditions with a position', () => {
    expect(conditionError('').message).toBe('Syntax error at position 0: expected an expression');
    expect(conditionError("tags.site = 'a' AND").message).toBe(
      "Syntax error at position 19 near 'AND': expected an expression",
    );
    expect(conditionError("tags.site = 'a' tags.x").details?.position).toBe(16);
    expect(conditionError('WHERE tags.x = 1').details?.position).toBe(0);
    expect(conditionError('COUNT() > 1').message).toContain('only in the SELECT list');
    expect(conditionError("tags.site = 'a';").message).not.toContain(';');
    expect(conditionError(`tags.x = '${'y'.repeat(8200)}'`).message).toContain('the limit is 8192');
  });
});
