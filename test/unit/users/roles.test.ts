import { HubError, isRole, parseRole, ROLES, roleAtLeast } from '@outpost/core';
import { describe, expect, it } from 'vitest';

describe('roles', () => {
  it('orders viewer < operator < admin', () => {
    expect(ROLES).toEqual(['viewer', 'operator', 'admin']);
    const table = ROLES.map((role) => ROLES.map((min) => roleAtLeast(role, min)));
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it('parses role names and refuses anything else', () => {
    expect(parseRole('operator')).toBe('operator');
    expect(isRole('Admin')).toBe(false);
    for (const bad of ['root', '', 1, null, undefined]) {
      expect(() => parseRole(bad)).toThrow(HubError);
    }
  });
});
