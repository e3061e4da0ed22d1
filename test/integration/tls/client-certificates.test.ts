import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  certificateThumbprints,
  ensureHubPki,
  type HubPki,
  issueClientCertificate,
  selfSignedCertificate,
} from '../../../edge-runtime/src/tls';

let dir: string;
let pki: HubPki;
let caKeyPem: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outpost-client-cert-'));
  pki = await ensureHubPki({ dir, hostName: 'hub.example', sans: [] });
  caKeyPem = await readFile(join(dir, 'ca-key.pem'), 'utf8');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('issueClientCertificate', () => {
  it('issues a clientAuth certificate with CN = device id that verifies against the CA', () => {
    const issued = issueClientCertificate({ caPem: pki.caPem, caKeyPem, commonName: 'dev-42', days: 30 });
    const cert = new X509Certificate(issued.certPem);
    const ca = new X509Certificate(pki.caPem);
    expect(cert.subject).toBe('CN=dev-42');
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    expect(cert.ca).toBe(false);
    expect(Date.parse(cert.validTo) - Date.now()).toBeLessThan(31 * 86_400_000);
    expect(cert.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true);
  });

  it('reports the uppercase hex SHA-1 and SHA-256 thumbprints of the DER', () => {
    const issued = issueClientCertificate({ caPem: pki.caPem, caKeyPem, commonName: 'dev-43' });
    const der = new X509Certificate(issued.certPem).raw;
    expect(issued.thumbprintSha1).toBe(createHash('sha1').update(der).digest('hex').toUpperCase());
    expect(issued.thumbprintSha256).toBe(createHash('sha256').update(der).digest('hex').toUpperCase());
    expect(issued.thumbprintSha1).toMatch(/^[0-9A-F]{40}$/);
    expect(issued.thumbprintSha256).toMatch(/^[0-9A-F]{64}$/);
    expect(new X509Certificate(issued.certPem).fingerprint256.replaceAll(':', '')).toBe(
      issued.thumbprintSha256,
    );
  });
});

describe('selfSignedCertificate', () => {
  it('creates a certificate that is its own issuer and not trusted by the hub CA', () => {
    const issued = selfSignedCertificate({ commonName: 'thumb-dev' });
    const cert = new X509Certificate(issued.certPem);
    expect(cert.subject).toBe('CN=thumb-dev');
    expect(cert.issuer).toBe('CN=thumb-dev');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIssued(new X509Certificate(pki.caPem))).toBe(false);
    expect(certificateThumbprints(issued.certPem)).toEqual({
      thumbprintSha1: issued.thumbprintSha1,
      thumbprintSha256: issued.thumbprintSha256,
    });
  });
});
