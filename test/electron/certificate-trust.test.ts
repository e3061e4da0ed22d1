import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureHubPki, issueClientCertificate } from '@outpost/edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCertificate,
  createRsaKeyPair,
  type ForgeExtension,
} from '../../edge-runtime/src/tls/certificate-builder';
import {
  chainsToCa,
  decideCertificate,
  VERIFY_ACCEPT,
  VERIFY_REFUSE,
} from '../../electron/src/main/certificate-trust';

// A gateway's PKI as the hub makes it (ensureHubPki), for a LAN host name and address.
const HOST = 'gw.site.lan';
const DAY = 86_400_000;
let dir: string;
let ca: { certPem: string; keyPem: string };
let serverPem: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-cert-trust-'));
  const pki = await ensureHubPki({ dir, hostName: HOST, sans: ['10.0.0.5'], bindAddress: '0.0.0.0' });
  ca = { certPem: pki.caPem, keyPem: await readFile(path.join(dir, 'ca-key.pem'), 'utf8') };
  serverPem = pki.certPem;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A certificate signed by `issuer` (default the hub CA), with the extensions given. */
function issue(
  extensions: ForgeExtension[],
  options: {
    commonName?: string;
    issuer?: { certPem: string; keyPem: string };
    from?: number;
    to?: number;
  } = {},
): string {
  const keys = createRsaKeyPair();
  const issuer = options.issuer ?? ca;
  return buildCertificate({
    commonName: options.commonName ?? HOST,
    publicKeyPem: keys.publicKeyPem,
    signingKeyPem: issuer.keyPem,
    issuerCertPem: issuer.certPem,
    notBefore: new Date(options.from ?? Date.now() - 3_600_000),
    notAfter: new Date(options.to ?? Date.now() + DAY),
    extensions,
  });
}

const LEAF: ForgeExtension = { name: 'basicConstraints', cA: false, critical: true };
const SAN: ForgeExtension = { name: 'subjectAltName', altNames: [{ type: 2, value: HOST }] };
const check = (leaf: string, hostname = HOST, caPem = ca.certPem) =>
  chainsToCa(leaf, [], caPem, { hostname });
const reasonOf = (result: ReturnType<typeof chainsToCa>) => (result.ok ? 'ok' : result.reason);

describe('pinned certificate check', () => {
  it("accepts the hub's own server certificate for its names and addresses", () => {
    const cert = new X509Certificate(serverPem);
    // What the hub issues: a non-CA leaf with SANs and serverAuth, which the stricter check must keep accepting.
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.subjectAltName).toContain(`DNS:${HOST}`);
    for (const host of [HOST, 'localhost', '10.0.0.5', '127.0.0.1']) {
      expect(check(serverPem, host)).toEqual({ ok: true });
    }
    const request = { hostname: HOST, certificate: { data: serverPem }, verificationResult: 'x' };
    expect(decideCertificate(request, { hostname: HOST, caPem: ca.certPem }).result).toBe(VERIFY_ACCEPT);
  });

  it('refuses a device client certificate of the same CA whose CN is the host (no SAN)', () => {
    // How the hub CA issues device certificates: CN = device id, no SAN, clientAuth.
    const device = issueClientCertificate({ caPem: ca.certPem, caKeyPem: ca.keyPem, commonName: HOST });
    expect(new X509Certificate(device.certPem).subjectAltName).toBeUndefined();
    expect(check(device.certPem).ok).toBe(false);
    const request = { hostname: HOST, certificate: { data: device.certPem }, verificationResult: 'x' };
    expect(decideCertificate(request, { hostname: HOST, caPem: ca.certPem }).result).toBe(VERIFY_REFUSE);
  });

  it('never matches the host on the subject CN, even for a server certificate', () => {
    const cnOnly = issue([LEAF, { name: 'extKeyUsage', serverAuth: true }]);
    expect(reasonOf(check(cnOnly))).toMatch(/not for gw\.site\.lan/);
    // Without any extended key usage either: the CN alone still names nothing.
    expect(reasonOf(check(issue([LEAF])))).toMatch(/not for gw\.site\.lan/);
  });

  it('refuses a leaf whose extended key usage leaves out serverAuth; no EKU at all is fine', () => {
    const clientOnly = issue([LEAF, SAN, { name: 'extKeyUsage', clientAuth: true }]);
    expect(reasonOf(check(clientOnly))).toMatch(/serverAuth/);
    expect(check(issue([LEAF, SAN]))).toEqual({ ok: true });
    expect(check(issue([LEAF, SAN, { name: 'extKeyUsage', clientAuth: true, serverAuth: true }]))).toEqual({
      ok: true,
    });
  });

  it('refuses a CA certificate as the leaf, even one naming the host', () => {
    const subCa = issue([{ name: 'basicConstraints', cA: true, critical: true }, SAN]);
    expect(reasonOf(check(subCa))).toMatch(/is a CA certificate/);
  });

  it('refuses a leaf once the pinned CA is expired or not yet valid', () => {
    const now = Date.now();
    const keys = createRsaKeyPair();
    const caSpec = (from: number, to: number) => ({
      certPem: buildCertificate({
        commonName: 'Short-lived CA',
        publicKeyPem: keys.publicKeyPem,
        signingKeyPem: keys.privateKeyPem,
        notBefore: new Date(from),
        notAfter: new Date(to),
        extensions: [{ name: 'basicConstraints', cA: true, critical: true }],
      }),
      keyPem: keys.privateKeyPem,
    });
    const expired = caSpec(now - 10 * DAY, now - DAY);
    const leafOfExpired = issue([LEAF, SAN], { issuer: expired });
    expect(reasonOf(check(leafOfExpired, HOST, expired.certPem))).toMatch(
      /pinned CA is expired or not yet valid/,
    );
    const future = caSpec(now + DAY, now + 10 * DAY);
    const leafOfFuture = issue([LEAF, SAN], { issuer: future });
    expect(reasonOf(check(leafOfFuture, HOST, future.certPem))).toMatch(
      /pinned CA is expired or not yet valid/,
    );
    // The same leaves with a CA in its validity are fine: it is the CA's dates that refuse them.
    const current = caSpec(now - DAY, now + 10 * DAY);
    expect(check(issue([LEAF, SAN], { issuer: current }), HOST, current.certPem)).toEqual({ ok: true });
  });

  it('refuses a leaf outside its own validity', () => {
    const now = Date.now();
    const notYet = issue([LEAF, SAN], { from: now + DAY, to: now + 2 * DAY });
    expect(reasonOf(check(notYet))).toMatch(/server certificate is expired or not yet valid/);
  });
});
