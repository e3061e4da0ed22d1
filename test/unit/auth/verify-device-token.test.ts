import { describe, expect, it } from 'vitest';
import {
  createSasToken,
  type SharedAccessPolicy,
  strictUrlEncode,
  type VerifyDeviceTokenOptions,
  verifyDeviceToken,
} from '../../../core/src/auth';
import { isHubError } from '../../../core/src/errors';

const KEY = 'AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=';
const KEY2 = Buffer.alloc(32, 2).toString('base64');
const POLICY_KEY = Buffer.alloc(32, 3).toString('base64');
const HOST = 'myhub.azure-devices.net';
// The device-protocol.md §1.4 test vector, valid until 1700000000.
const VECTOR =
  'SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fdev1&sig=qUkVQF5tXm8Vh8Qwe7Oi5%2BACEu%2FsfZbBeiEfopb4olk%3D&se=1700000000';
const NOW = 1_699_999_000_000;

const policies: SharedAccessPolicy[] = [
  { name: 'device', rights: ['DeviceConnect'], primaryKey: POLICY_KEY, secondaryKey: '' },
  { name: 'service', rights: ['ServiceConnect'], primaryKey: POLICY_KEY, secondaryKey: '' },
];
const options: VerifyDeviceTokenOptions = {
  deviceId: 'dev1',
  keys: { primaryKey: KEY, secondaryKey: KEY2 },
  hostNames: [HOST, 'outpost.local'],
  now: NOW,
  skewSeconds: 300,
};

function deviceToken(resource: string, key = KEY, policyName?: string): string {
  const base = { resourceUri: strictUrlEncode(resource), key, expiresAt: 1700000000 };
  return createSasToken(policyName === undefined ? base : { ...base, policyName });
}

function reason(token: string, opts: VerifyDeviceTokenOptions = options): unknown {
  try {
    verifyDeviceToken(token, opts);
  } catch (err) {
    if (isHubError(err, 'UNAUTHORIZED')) return err.details?.reason;
    throw err;
  }
  throw new Error('expected the token to be refused');
}

describe('verifyDeviceToken', () => {
  it('accepts the device-protocol test vector', () => {
    const result = verifyDeviceToken(VECTOR, options);
    expect(result.key).toBe('primary');
    expect(result.policy).toBeUndefined();
  });

  it('accepts the secondary key', () => {
    expect(verifyDeviceToken(deviceToken(`${HOST}/devices/dev1`, KEY2), options).key).toBe('secondary');
  });

  it('accepts a module token', () => {
    const token = deviceToken(`${HOST}/devices/dev1/modules/mod1`);
    expect(token).toContain('sig=AUm927b4GxXLxEA0u8zT1hQJTq1Y0PuSRCNFCN0qSj8%3D');
    expect(() => verifyDeviceToken(token, { ...options, moduleId: 'mod1' })).not.toThrow();
    expect(reason(token)).toBe('wrong-device');
  });

  it('accepts a raw (unencoded) sr and a case-different host', () => {
    const raw = createSasToken({
      resourceUri: 'MyHub.Azure-Devices.NET/devices/dev1',
      key: KEY,
      expiresAt: 1700000000,
    });
    expect(() => verifyDeviceToken(raw, options)).not.toThrow();
  });

  it('refuses a token for another device', () => {
    expect(reason(deviceToken(`${HOST}/devices/dev2`))).toBe('wrong-device');
  });

  it('refuses a token for another hub', () => {
    expect(reason(deviceToken('other.azure-devices.net/devices/dev1'))).toBe('wrong-hub');
  });

  it('refuses a wrong key and an empty key', () => {
    expect(reason(deviceToken(`${HOST}/devices/dev1`, POLICY_KEY))).toBe('bad-signature');
    expect(
      reason(deviceToken(`${HOST}/devices/dev1`, ''), {
        ...options,
        keys: { primaryKey: KEY, secondaryKey: '' },
      }),
    ).toBe('bad-signature');
  });

  it('refuses an expired token, allowing for skew', () => {
    expect(reason(VECTOR, { ...options, now: 1_700_000_300_000 })).toBe('expired');
    expect(() => verifyDeviceToken(VECTOR, { ...options, now: 1_700_000_299_000 })).not.toThrow();
  });

  it('accepts a token signed with a DeviceConnect policy key when policies are given', () => {
    const token = deviceToken(`${HOST}/devices/dev1`, POLICY_KEY, 'device');
    const result = verifyDeviceToken(token, { ...options, policies });
    expect(result.policy?.name).toBe('device');
    expect(reason(token)).toBe('policy-token');
  });

  it('refuses a policy token from a policy without DeviceConnect or an unknown policy', () => {
    expect(reason(deviceToken(`${HOST}/devices/dev1`, POLICY_KEY, 'service'), { ...options, policies })).toBe(
      'missing-right',
    );
    expect(reason(deviceToken(`${HOST}/devices/dev1`, POLICY_KEY, 'ghost'), { ...options, policies })).toBe(
      'unknown-policy',
    );
  });

  it('refuses a policy token whose sr does not name the device', () => {
    expect(reason(deviceToken(HOST, POLICY_KEY, 'device'), { ...options, policies })).toBe('wrong-device');
  });
});
