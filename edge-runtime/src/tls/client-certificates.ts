import { BACKDATE_MS, buildCertificate, createRsaKeyPair, type ForgeExtension } from './certificate-builder';
import { type CertificateThumbprints, certificateThumbprints } from './thumbprints';

/** A device (client) certificate with its key and the thumbprints to register it under. */
export interface IssuedCertificate extends CertificateThumbprints {
  /** The certificate as PEM. */
  certPem: string;
  /** Its private key as PKCS#8 PEM. */
  keyPem: string;
}

/** Input of {@link issueClientCertificate}. */
export interface IssueClientCertificateOptions {
  /** The issuing CA certificate. */
  caPem: string;
  /** The issuing CA's private key. */
  caKeyPem: string;
  /** The subject CN; for CA-signed devices IoT Hub requires CN = deviceId. */
  commonName: string;
  /** Validity in days (default 365). */
  days?: number;
}

/** Input of {@link selfSignedCertificate}. */
export interface SelfSignedCertificateOptions {
  /** The subject (and issuer) CN. */
  commonName: string;
  /** Validity in days (default 365). */
  days?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const CLIENT_EXTENSIONS: ForgeExtension[] = [
  { name: 'basicConstraints', cA: false, critical: true },
  { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  { name: 'extKeyUsage', clientAuth: true },
];

/** Issues a TLS client certificate signed by a CA, for CA-authenticated X.509 devices. */
export function issueClientCertificate(options: IssueClientCertificateOptions): IssuedCertificate {
  const keys = createRsaKeyPair();
  const now = Date.now();
  const certPem = buildCertificate({
    commonName: options.commonName,
    publicKeyPem: keys.publicKeyPem,
    signingKeyPem: options.caKeyPem,
    issuerCertPem: options.caPem,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + (options.days ?? 365) * DAY_MS),
    extensions: CLIENT_EXTENSIONS,
  });
  return { certPem, keyPem: keys.privateKeyPem, ...certificateThumbprints(certPem) };
}

/** Creates a self-signed TLS client certificate, for thumbprint-authenticated X.509 devices. */
export function selfSignedCertificate(options: SelfSignedCertificateOptions): IssuedCertificate {
  const keys = createRsaKeyPair();
  const now = Date.now();
  const certPem = buildCertificate({
    commonName: options.commonName,
    publicKeyPem: keys.publicKeyPem,
    signingKeyPem: keys.privateKeyPem,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + (options.days ?? 365) * DAY_MS),
    extensions: CLIENT_EXTENSIONS,
  });
  return { certPem, keyPem: keys.privateKeyPem, ...certificateThumbprints(certPem) };
}
