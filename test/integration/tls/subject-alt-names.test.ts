import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCertificate, createRsaKeyPair } from '../../../edge-runtime/src/tls/certificate-builder';
import {
  coversSubjectAltNames,
  readSubjectAltNames,
  serverSubjectAltNames,
  toForgeAltNames,
  toSubjectAltName,
} from '../../../edge-runtime/src/tls/subject-alt-names';

describe('subject alt names', () => {
  it.each([
    ['Hub.Example', { type: 'dns', value: 'hub.example' }],
    ['*.Example.com', { type: 'dns', value: '*.example.com' }],
    ['10.0.0.1', { type: 'ip', value: '10.0.0.1' }],
    ['[0:0::1]', { type: 'ip', value: '::1' }],
    ['::ffff:1.2.3.4', { type: 'ip', value: '::ffff:102:304' }],
    ['fe80::1%eth0', { type: 'ip', value: 'fe80::1' }],
  ])('normalises %s', (name, expected) => {
    expect(toSubjectAltName(name)).toEqual(expected);
  });

  it('lists host, localhost, a concrete bind IP, loopbacks and extras once each', () => {
    const sans = serverSubjectAltNames({
      hostName: 'localhost',
      bindAddress: '::',
      sans: ['127.0.0.1', 'x.example'],
    });
    expect(sans.map((s) => s.value)).toEqual(['localhost', '127.0.0.1', '::1', 'x.example']);
    expect(
      serverSubjectAltNames({ hostName: 'h', bindAddress: '10.9.8.7', sans: [] }).map((s) => s.value),
    ).toContain('10.9.8.7');
  });

  it('reads back what was written, IPv6 included, so reuse detection is stable', () => {
    const wanted = serverSubjectAltNames({ hostName: 'hub.example', sans: ['fd00::abcd', '::ffff:1.2.3.4'] });
    const keys = createRsaKeyPair();
    const certPem = buildCertificate({
      commonName: 'hub.example',
      publicKeyPem: keys.publicKeyPem,
      signingKeyPem: keys.privateKeyPem,
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86_400_000),
      extensions: [{ name: 'subjectAltName', altNames: toForgeAltNames(wanted) }],
    });
    const read = readSubjectAltNames(new X509Certificate(certPem));
    expect(coversSubjectAltNames(read, wanted)).toBe(true);
    expect(coversSubjectAltNames(read, [...wanted, toSubjectAltName('fd00::1')])).toBe(false);
  });
});
