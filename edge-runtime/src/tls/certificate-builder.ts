import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** An RSA key pair as PEM text (PKCS#8 private key, SPKI public key). */
export interface KeyPairPem {
  /** PKCS#8 PEM, usable by Node's tls and by forge. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

/** A node-forge X.509 extension description (`{ name, ...fields }`), passed through to forge. */
export type ForgeExtension = { name: string } & Record<string, unknown>;

/** What to put into a certificate and who signs it. */
export interface CertificateSpec {
  /** The subject common name. */
  commonName: string;
  /** The key the certificate certifies. */
  publicKeyPem: string;
  /** The signer's key: the issuer's, or the subject's own for a self-signed certificate. */
  signingKeyPem: string;
  /** The issuing CA certificate; omit for a self-signed certificate. */
  issuerCertPem?: string;
  /** Start of validity. */
  notBefore: Date;
  /** End of validity. */
  notAfter: Date;
  /** Extensions besides subjectKeyIdentifier and authorityKeyIdentifier, which are always added. */
  extensions: ForgeExtension[];
}

/** How far certificates are back-dated, so a device whose clock lags a little still accepts a fresh one. */
export const BACKDATE_MS = 60 * 60 * 1000;

/**
 * Generates a 2048-bit RSA key with Node's native crypto: forge's pure-JS generation takes seconds,
 * which would make first start and every test slow. RSA rather than EC because every SDK and
 * embedded TLS stack device fleets ship with speaks RSA.
 */
export function createRsaKeyPair(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Builds and signs an X.509 v3 certificate with SHA-256; returns it as PEM. */
export function buildCertificate(spec: CertificateSpec): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  const subject = [{ shortName: 'CN', value: spec.commonName }];
  cert.setSubject(subject);
  const issuer = spec.issuerCertPem ? forge.pki.certificateFromPem(spec.issuerCertPem) : undefined;
  cert.setIssuer(issuer ? issuer.subject.attributes : subject);
  const authorityKeyId = (issuer ?? cert).generateSubjectKeyIdentifier().getBytes();
  cert.setExtensions([
    ...spec.extensions,
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(spec.signingKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A random positive 128-bit serial, as RFC 5280 §4.1.2.2 asks (unique per issuer, at most 20 octets). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  // DER integers are signed: clear the top bit so the serial is positive, and set the next one so
  // it never has a leading zero octet that some parsers reject.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
