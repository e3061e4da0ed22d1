import { createLoginLimiter } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../helpers/fake-clock';

const KEYS = ['user:alice', 'ip:10.0.0.1'];

function limiter(options: { maxKeys?: number } = {}) {
  const clock = createFakeClock(Date.parse('2026-01-01T00:00:00Z'));
  return { clock, limiter: createLoginLimiter({ clock, ...options }) };
}

describe('login limiter', () => {
  it('lets 5 failures through, then backs off exponentially from 1 s', () => {
    const { clock, limiter: l } = limiter();
    for (let i = 0; i < 5; i++) {
      expect(l.retryAfterMs(KEYS)).toBe(0);
      l.fail(KEYS);
    }
    expect(l.retryAfterMs(KEYS)).toBe(1_000);
    clock.advance(999);
    expect(l.retryAfterMs(KEYS)).toBe(1);
    clock.advance(1);
    expect(l.retryAfterMs(KEYS)).toBe(0);
    l.fail(KEYS);
    expect(l.retryAfterMs(KEYS)).toBe(2_000);
    clock.advance(2_000);
    l.fail(KEYS);
    expect(l.retryAfterMs(KEYS)).toBe(4_000);
  });

  it('caps the wait at 5 minutes', () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 40; i++) l.fail(KEYS);
    expect(l.retryAfterMs(KEYS)).toBe(5 * 60_000);
  });

  it('blocks when any one key is blocked: the name from any address, the address for any name', () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 5; i++) l.fail(['user:alice', `ip:10.0.0.${i}`]);
    expect(l.retryAfterMs(['user:alice', 'ip:10.9.9.9'])).toBe(1_000);
    expect(l.retryAfterMs(['user:bob', 'ip:10.0.0.1'])).toBe(0);
    for (let i = 0; i < 5; i++) l.fail([`user:u${i}`, 'ip:10.1.1.1']);
    expect(l.retryAfterMs(['user:nobody-yet', 'ip:10.1.1.1'])).toBe(1_000);
  });

  it('forgets a key 15 minutes after its last failure', () => {
    const { clock, limiter: l } = limiter();
    for (let i = 0; i < 8; i++) l.fail(KEYS);
    expect(l.retryAfterMs(KEYS)).toBeGreaterThan(0);
    clock.advance(15 * 60_000);
    expect(l.retryAfterMs(KEYS)).toBe(0);
    l.fail(KEYS);
    expect(l.retryAfterMs(KEYS)).toBe(0);
  });

  it('reset clears a key, forgive takes back one failure', () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 5; i++) l.fail(KEYS);
    l.reset(['user:alice']);
    expect(l.retryAfterMs(['user:alice'])).toBe(0);
    expect(l.retryAfterMs(['ip:10.0.0.1'])).toBe(1_000);
    l.forgive(['ip:10.0.0.1']);
    expect(l.retryAfterMs(['ip:10.0.0.1'])).toBe(0);
  });

  it('tracks a bounded number of keys, dropping the stalest', () => {
    const { clock, limiter: l } = limiter({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c', 'd']) {
      for (let i = 0; i < 5; i++) l.fail([key]);
      clock.advance(1);
    }
    expect(l.retryAfterMs(['a'])).toBe(0);
    expect(l.retryAfterMs(['d'])).toBeGreaterThan(0);
  });
});
