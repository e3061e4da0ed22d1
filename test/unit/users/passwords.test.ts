import { generatePassword, hashPassword, verifyPassword } from '@outpost/core';
import { describe, expect, it } from 'vitest';

describe('password hashing', () => {
  it('stores scrypt$N$salt$hash and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterx', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
  });

  it('refuses hashes of another scheme or cost', async () => {
    const hash = await hashPassword('some password');
    expect(await verifyPassword('some password', hash.replace('scrypt$', 'bcrypt$'))).toBe(false);
    expect(await verifyPassword('some password', hash.replace('$32768$', '$1024$'))).toBe(false);
    expect(await verifyPassword('some password', 'garbage')).toBe(false);
  });

  it('generates 24-character random passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(a);
  });
});
