import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import { BACKDATE_MS, buildCertificate, createRsaKeyPair } from './certificate-builder';
import {
  coversSubjectAltNames,
  readSubjectAltNames,
  type SubjectAltName,
  serverSubjectAltNames,
  toForgeAltNames,
} from './subject-alt-names';

/** Where and for what names {@link ensureHubPki} keeps the hub's certificates. */
export interface EnsureHubPkiOptions {
  /** The directory holding ca.pem, ca-key.pem, server.pem and server-key.pem (created if missing). */
  dir: string;
  /** The hub's host name: the server certificate's CN and first SAN. */
  hostName: string;
  /** Extra DNS names or IP addresses for the server certificate (aliases, LAN addresses). */
  sans: readonly string[];
  /** The listen address; added as an IP SAN when it is a concrete address, not 0.0.0.0 or ::. */
  bindAddress?: string;
  /** The current time in ms since the Unix epoch (tests move it to force renewal). */
  now?: number;
}

/** The hub's PKI as PEM text, ready for `https.createServer` and for handing the CA to clients. */
export interface HubPki {
  /** The site CA certificate that devices and back ends must trust. */
  caPem: string;
  /** The server certificate. */
  certPem: string;
  /** The server certificate's private key. */
  keyPem: string;
  /** Path of ca.pem, for NODE_EXTRA_CA_CERTS hints. */
  caPath: string;
  /** What this call created: a new CA (only on first start or after the old one expired), a new server certificate. */
  created: { ca: boolean; server: boolean };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Ten years: the CA is copied onto every device and back end, so replacing it is expensive. */
const CA_LIFETIME_MS = 3650 * DAY_MS;
/** 825 days: the longest server lifetime Apple platforms accept even from a private CA. */
const SERVER_LIFETIME_MS = 825 * DAY_MS;
/** Re-issue the server certificate this long before it expires, so a hub restarted weekly never serves an expired one. */
const RENEW_BEFORE_MS = 30 * DAY_MS;

/** Creates the hub CA and server certificate on first call; later reuses them, re-issuing the leaf when needed. */
export async function ensureHubPki(options: EnsureHubPkiOptions): Promise<HubPki> {
  const now = options.now ?? Date.now();
  const paths = {
    ca: join(options.dir, 'ca.pem'),
    caKey: join(options.dir, 'ca-key.pem'),
    server: join(options.dir, 'server.pem'),
    serverKey: join(options.dir, 'server-key.pem'),
  };
  await mkdir(options.dir, { recursive: true, mode: 0o700 });

  let caPem = await readOptional(paths.ca);
  let caKeyPem = await readOptional(paths.caKey);
  const created = { ca: false, server: false };
  if (caPem === undefined || parseCertificate(caPem, paths.ca).validTo <= now) {
    // A missing ca.pem means nobody can have been given it yet; an expired one is useless anyway.
    // Anything else (a CA that is merely unreadable by us) is left for the operator to repair.
    const ca = createCa(options.hostName, now);
    await writeFileAtomic(paths.caKey, ca.keyPem, 0o600);
    await writeFileAtomic(paths.ca, ca.certPem, 0o644);
    caPem = ca.certPem;
    caKeyPem = ca.keyPem;
    created.ca = true;
  }

  const wanted = serverSubjectAltNames(options);
  let certPem = await readOptional(paths.server);
  let keyPem = await readOptional(paths.serverKey);
  const problem = serverCertificateProblem({ certPem, keyPem, caPem, wanted, now });
  if (problem !== undefined) {
    if (caKeyPem === undefined || !keyMatches(caPem, caKeyPem)) {
      throw new Error(
        `The server certificate in ${options.dir} must be re-issued (${problem}) but ${paths.caKey} is missing or does not match ${paths.ca}. Restore the CA key, or delete ca.pem to create a new CA that every client must then trust.`,
      );
    }
    const leaf = issueServerCertificate({ caPem, caKeyPem, hostName: options.hostName, sans: wanted, now });
    // Key first: a crash between the writes leaves a cert/key mismatch, which the next start repairs.
    await writeFileAtomic(paths.serverKey, leaf.keyPem, 0o600);
    await writeFileAtomic(paths.server, leaf.certPem, 0o644);
    certPem = leaf.certPem;
    keyPem = leaf.keyPem;
    created.server = true;
  }
  return { caPem, certPem: certPem!, keyPem: keyPem!, caPath: paths.ca, created };
}

/** Why the existing server certificate cannot be served as is, or undefined when it can. */
function serverCertificateProblem(state: {
  certPem: string | undefined;
  keyPem: string | undefined;
  caPem: string;
  wanted: SubjectAltName[];
  now: number;
}): string | undefined {
  if (state.certPem === undefined || state.keyPem === undefined) return 'it is missing';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(state.certPem);
  } catch {
    return 'it does not parse';
  }
  if (!keyMatches(state.certPem, state.keyPem)) return 'its key does not match';
  const ca = new X509Certificate(state.caPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'it was not issued by the current CA';
  if (Date.parse(cert.validTo) - state.now < RENEW_BEFORE_MS) return 'it expires soon';
  if (Date.parse(cert.validFrom) > state.now) return 'it is not valid yet';
  if (!coversSubjectAltNames(readSubjectAltNames(cert), state.wanted)) return 'the wanted names changed';
  return undefined;
}

function createCa(hostName: string, now: number): { certPem: string; keyPem: string } {
  const keys = createRsaKeyPair();
  const certPem = buildCertificate({
    commonName: `Outpost ${hostName} CA`,
    publicKeyPem: keys.publicKeyPem,
    signingKeyPem: keys.privateKeyPem,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_LIFETIME_MS),
    extensions: [
      // pathLen 0: this CA signs leaves only, so a stolen leaf key can never mint further certificates.
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { certPem, keyPem: keys.privateKeyPem };
}

function issueServerCertificate(options: {
  caPem: string;
  caKeyPem: string;
  hostName: string;
  sans: SubjectAltName[];
  now: number;
}): { certPem: string; keyPem: string } {
  const keys = createRsaKeyPair();
  // A leaf must not outlive its CA, or clients reject it as soon as the CA expires anyway.
  const caNotAfter = Date.parse(new X509Certificate(options.caPem).validTo);
  const certPem = buildCertificate({
    commonName: options.hostName,
    publicKeyPem: keys.publicKeyPem,
    signingKeyPem: options.caKeyPem,
    issuerCertPem: options.caPem,
    notBefore: new Date(options.now - BACKDATE_MS),
    notAfter: new Date(Math.min(options.now + SERVER_LIFETIME_MS, caNotAfter)),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: toForgeAltNames(options.sans) },
    ],
  });
  return { certPem, keyPem: keys.privateKeyPem };
}

function parseCertificate(pem: string, path: string): { validTo: number } {
  try {
    return { validTo: Date.parse(new X509Certificate(pem).validTo) };
  } catch (err) {
    throw new Error(`${path} is not a PEM certificate. Repair or delete it.`, { cause: err });
  }
}

function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
