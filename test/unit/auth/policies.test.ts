import { describe, expect, it } from 'vitest';
import { createDefaultPolicies, defaultPolicyRights, findPolicy, hasRight } from '../../../core/src/auth';

describe('createDefaultPolicies', () => {
  it('seeds the five Azure policies, each with two distinct keys', () => {
    let n = 0;
    const policies = createDefaultPolicies(() => `key-${++n}`);
    expect(policies.map((p) => p.name)).toEqual(Object.keys(defaultPolicyRights));
    expect(new Set(policies.flatMap((p) => [p.primaryKey, p.secondaryKey])).size).toBe(10);
  });

  it('keeps a given iothubowner primary key', () => {
    const owner = findPolicy(
      createDefaultPolicies(() => 'generated', 'fixed'),
      'iothubowner',
    )!;
    expect(owner.primaryKey).toBe('fixed');
    expect(owner.secondaryKey).toBe('generated');
  });
});

describe('hasRight', () => {
  const rights = (name: string) => ({ rights: defaultPolicyRights[name]! });

  it.each([
    ['iothubowner', 'RegistryRead', true],
    ['iothubowner', 'RegistryWrite', true],
    ['iothubowner', 'ServiceConnect', true],
    ['iothubowner', 'DeviceConnect', true],
    ['service', 'ServiceConnect', true],
    ['service', 'RegistryRead', false],
    ['registryRead', 'RegistryRead', true],
    ['registryRead', 'RegistryWrite', false],
    ['registryReadWrite', 'RegistryRead', true],
    ['registryReadWrite', 'RegistryWrite', true],
    ['registryReadWrite', 'ServiceConnect', false],
    ['device', 'DeviceConnect', true],
    ['device', 'ServiceConnect', false],
  ] as const)('%s has %s: %s', (policy, right, expected) => {
    expect(hasRight(rights(policy), right)).toBe(expected);
  });
});
