import { describe, expect, it } from 'vitest';
import {
  createDefaultPolicies,
  createSasToken,
  type SharedAccessPolicy,
  signSas,
  strictUrlEncode,
  type VerifyServiceTokenOptions,
  verifyServiceToken,
} from '../../../core/src/auth';
import { isHubError } from '../../../core/src/errors';

const NOW = 1_750_000_000_000;
const NOW_S = NOW / 1000;
let n = 0;
const policies: SharedAccessPolicy[] = createDefaultPolicies(() => Buffer.alloc(32, ++n).toString('base64'));
const owner = policies.find((p) => p.name === 'iothubowner')!;
const options: VerifyServiceTokenOptions = {
  policies,
  hostNames: ['outpost.local', '192.168.1.10'],
  now: NOW,
  skewSeconds: 300,
};

function token(overrides: { sr?: string; key?: string; policyName?: string; se?: number } = {}): string {
  return createSasToken({
    resourceUri: overrides.sr ?? 'outpost.local',
    key: overrides.key ?? owner.primaryKey,
    policyName: overrides.policyName ?? 'iothubowner',
    expiresAt: overrides.se ?? Math.ceil(NOW_S) + 3600,
  });
}

function failure(
  header: string,
  opts: VerifyServiceTokenOptions = options,
): { reason: unknown; message: string } {
  try {
    verifyServiceToken(header, opts);
  } catch (err) {
    if (isHubError(err, 'UNAUTHORIZED')) return { reason: err.details?.reason, message: err.message };
    throw err;
  }
  throw new Error('expected the token to be refused');
}

describe('verifyServiceToken', () => {
  it('accepts a token built as the Node SDK builds it', () => {
    const result = verifyServiceToken(token(), options);
    expect(result.policy.name).toBe('iothubowner');
    expect(result.key).toBe('primary');
  });

  it('accepts a token signed with the secondary key', () => {
    expect(verifyServiceToken(token({ key: owner.secondaryKey }), options).key).toBe('secondary');
  });

  it('refuses a token signed with a wrong key, without echoing the signature', () => {
    const header = token({ key: Buffer.alloc(32, 0xee).toString('base64') });
    const { reason, message } = failure(header);
    expect(reason).toBe('bad-signature');
    const sig = decodeURIComponent(/sig=([^&]+)/.exec(header)![1]!);
    expect(message).not.toContain(sig);
    expect(message).not.toContain(owner.primaryKey);
    expect(message).not.toContain(';');
  });

  it('refuses a key of another policy', () => {
    const service = policies.find((p) => p.name === 'service')!;
    expect(failure(token({ key: service.primaryKey })).reason).toBe('bad-signature');
  });

  it('never accepts an empty key', () => {
    const blank = [
      { name: 'blank', rights: ['ServiceConnect'] as const, primaryKey: owner.primaryKey, secondaryKey: '' },
    ];
    const header = token({ key: '', policyName: 'blank' });
    expect(failure(header, { ...options, policies: blank }).reason).toBe('bad-signature');
  });

  it('refuses an expired token', () => {
    const { reason, message } = failure(token({ se: NOW_S - 3600 }));
    expect(reason).toBe('expired');
    expect(message).toMatch(/expired/);
  });

  it('tolerates clock skew up to, but not including, the allowance', () => {
    expect(() => verifyServiceToken(token({ se: NOW_S - 299 }), options)).not.toThrow();
    expect(failure(token({ se: NOW_S - 300 })).reason).toBe('expired');
    expect(() =>
      verifyServiceToken(token({ se: NOW_S - 300 }), { ...options, skewSeconds: 301 }),
    ).not.toThrow();
  });

  it('refuses a token whose se was changed after signing', () => {
    const header = token().replace(/se=(\d+)$/, (_m, se: string) => `se=${Number(se) + 86400}`);
    expect(failure(header).reason).toBe('bad-signature');
  });

  it('refuses a token for another hub', () => {
    const { reason, message } = failure(token({ sr: 'other.azure-devices.net' }));
    expect(reason).toBe('wrong-hub');
    expect(message).toContain('other.azure-devices.net');
  });

  it('refuses a host name that merely starts with the hub name', () => {
    expect(failure(token({ sr: 'outpost.local.evil' })).reason).toBe('wrong-hub');
  });

  it('accepts sr naming a path below the hub', () => {
    expect(() => verifyServiceToken(token({ sr: 'outpost.local/devices/dev1' }), options)).not.toThrow();
  });

  it('matches the host name case-insensitively and accepts aliases', () => {
    expect(() => verifyServiceToken(token({ sr: 'OutPost.LOCAL' }), options)).not.toThrow();
    expect(() => verifyServiceToken(token({ sr: '192.168.1.10' }), options)).not.toThrow();
    expect(() => verifyServiceToken(token(), { ...options, hostNames: ['OUTPOST.local'] })).not.toThrow();
  });

  it('accepts a URL-encoded sr signed over its encoded form (C# and Python SDKs)', () => {
    const sr = strictUrlEncode('Outpost.local/devices/dev1');
    expect(sr).toContain('%2F');
    expect(() => verifyServiceToken(token({ sr }), options)).not.toThrow();
  });

  it('refuses a URL-encoded sr whose signature was computed over the decoded form', () => {
    const se = Math.ceil(NOW_S) + 3600;
    const sig = strictUrlEncode(signSas('outpost.local/devices/dev1', se, owner.primaryKey));
    const header = `SharedAccessSignature sr=outpost.local%2Fdevices%2Fdev1&sig=${sig}&skn=iothubowner&se=${se}`;
    expect(failure(header).reason).toBe('bad-signature');
  });

  it('accepts fields in another order and a URL-encoded skn', () => {
    const se = Math.ceil(NOW_S) + 60;
    const sig = strictUrlEncode(signSas('outpost.local', se, owner.primaryKey));
    const header = `SharedAccessSignature skn=%69othubowner&se=${se}&sr=outpost.local&sig=${sig}`;
    expect(verifyServiceToken(header, options).policy.name).toBe('iothubowner');
  });

  it('refuses a device token (no skn) on a service route', () => {
    const header = createSasToken({
      resourceUri: 'outpost.local',
      key: owner.primaryKey,
      expiresAt: NOW_S + 60,
    });
    expect(failure(header).reason).toBe('device-token');
  });

  it('refuses an unknown policy, naming it safely', () => {
    const { reason, message } = failure(token({ policyName: 'nobody;ErrorCode:x' }));
    expect(reason).toBe('unknown-policy');
    expect(message).toContain('nobody');
    expect(message).not.toContain(';');
  });

  it('matches policy names case-sensitively', () => {
    expect(failure(token({ policyName: 'IotHubOwner' })).reason).toBe('unknown-policy');
  });

  it.each([
    ['missing sig', 'SharedAccessSignature sr=outpost.local&skn=iothubowner&se=9999999999', 'malformed'],
    ['bad percent-encoding', 'SharedAccessSignature sr=h&sig=%E0%A4%A&skn=iothubowner&se=1', 'malformed'],
    [
      'a signed but non-numeric se',
      token().replace(/sig=[^&]+(.*)se=\d+$/, (_m, mid: string) => {
        return `sig=${strictUrlEncode(signSas('outpost.local', 'soon', owner.primaryKey))}${mid}se=soon`;
      }),
      'malformed',
    ],
  ])('refuses a token with %s', (_name, header, reason) => {
    expect(failure(header).reason).toBe(reason);
  });
});
