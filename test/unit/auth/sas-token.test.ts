import { describe, expect, it } from 'vitest';
import { createSasToken, parseSasToken, signSas, strictUrlEncode } from '../../../core/src/auth';
import { isHubError } from '../../../core/src/errors';

const KEY = 'AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE='; // 32 bytes of 0x01 (device-protocol.md §1.4)

function reasonOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    if (isHubError(err, 'UNAUTHORIZED')) return err.details?.reason;
    throw err;
  }
  throw new Error('expected an UNAUTHORIZED HubError');
}

describe('signSas', () => {
  it('matches the device-protocol test vector', () => {
    expect(signSas('myhub.azure-devices.net%2Fdevices%2Fdev1', 1700000000, KEY)).toBe(
      'qUkVQF5tXm8Vh8Qwe7Oi5+ACEu/sfZbBeiEfopb4olk=',
    );
    expect(signSas('myhub.azure-devices.net%2Fdevices%2Fdev1%2Fmodules%2Fmod1', '1700000000', KEY)).toBe(
      'AUm927b4GxXLxEA0u8zT1hQJTq1Y0PuSRCNFCN0qSj8=',
    );
  });
});

describe('createSasToken', () => {
  it('builds the device-protocol test vector token byte for byte', () => {
    const sr = strictUrlEncode('myhub.azure-devices.net/devices/dev1');
    expect(createSasToken({ resourceUri: sr, key: KEY, expiresAt: 1700000000 })).toBe(
      'SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fdev1&sig=qUkVQF5tXm8Vh8Qwe7Oi5%2BACEu%2FsfZbBeiEfopb4olk%3D&se=1700000000',
    );
  });

  it('writes sr raw and skn strictly encoded, in the order sr, sig, skn, se', () => {
    const token = createSasToken({
      resourceUri: 'LocalHost',
      key: KEY,
      policyName: "it's(*)!",
      expiresAt: 5,
    });
    expect(token).toMatch(/^SharedAccessSignature sr=LocalHost&sig=[^&]+&skn=it%27s%28%2A%29%21&se=5$/);
  });
});

describe('strictUrlEncode', () => {
  it("escapes ! ' ( ) * on top of encodeURIComponent", () => {
    expect(strictUrlEncode("a/b+c=!'()*~")).toBe('a%2Fb%2Bc%3D%21%27%28%29%2A~');
  });
});

describe('parseSasToken', () => {
  it('keeps every field exactly as sent, in any order', () => {
    const raw = 'SharedAccessSignature se=10&skn=iot%20owner&sig=ab%2Bc%3D&sr=Hub%2Fdevices&x=1';
    expect(parseSasToken(raw)).toEqual({
      sr: 'Hub%2Fdevices',
      sig: 'ab%2Bc%3D',
      se: '10',
      skn: 'iot%20owner',
      raw,
    });
  });

  it('splits each field on its first =', () => {
    expect(parseSasToken('SharedAccessSignature sr=h&sig=abc==&se=1').sig).toBe('abc==');
  });

  it('leaves skn out when absent', () => {
    expect(parseSasToken('SharedAccessSignature sr=h&sig=s&se=1')).not.toHaveProperty('skn');
  });

  it.each([
    ['no prefix', 'sr=h&sig=s&se=1'],
    ['wrong prefix case', 'sharedaccesssignature sr=h&sig=s&se=1'],
    ['Bearer token', 'Bearer eyJ0eXAi'],
    ['missing sr', 'SharedAccessSignature sig=s&se=1'],
    ['missing sig', 'SharedAccessSignature sr=h&se=1'],
    ['missing se', 'SharedAccessSignature sr=h&sig=s'],
    ['empty sig', 'SharedAccessSignature sr=h&sig=&se=1'],
    ['field without =', 'SharedAccessSignature sr=h&sig&se=1'],
    ['repeated field', 'SharedAccessSignature sr=h&sr=other&sig=s&se=1'],
    ['empty header', ''],
  ])('refuses a token with %s', (_name, header) => {
    expect(reasonOf(() => parseSasToken(header))).toBe('malformed');
  });
});
