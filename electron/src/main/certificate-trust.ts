import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { AppPort, CertificatePort, CertificateVerifyRequestPort, SessionPort } from './electron-ports';

/** The one hub whose certificates are checked against a pinned CA instead of the system's roots. */
export interface PinnedHub {
  /** The hub's host name or IP as it appears in its URL (no brackets, no port). */
  hostname: string;
  /** The CA its server certificate must chain to (the embedded hub's own, or the gateway's pinned CA). */
  caPem: string;
}

/** The outcome of checking a certificate chain against a pinned CA. */
export type ChainCheck = { ok: true } | { ok: false; reason: string };

/** Chromium's verify-proc answers: accept, refuse, or let Chromium decide as it normally would. */
export const VERIFY_ACCEPT = 0;
export const VERIFY_REFUSE = -2;
export const VERIFY_USE_CHROMIUM = -3;

// Server chains are a leaf and at most a few intermediates; a longer one is refused, not walked.
const MAX_CHAIN = 5;
// id-kp-serverAuth (RFC 5280 §4.2.1.12): what a TLS server certificate's extended key usage must allow.
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function timeValid(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

function bare(hostname: string): string {
  const h = hostname.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/**
 * Whether the certificate names the host in its subject alternative names. The subject's CN is
 * never consulted (`subject: 'never'`, as browsers do): the hub CA also issues device client
 * certificates whose CN is the device id and which carry no SAN, and one of those must not pass
 * for the hub because a device happens to be named like its host.
 */
function namesHost(cert: X509Certificate, hostname: string): boolean {
  const host = bare(hostname);
  return (isIP(host) ? cert.checkIP(host) : cert.checkHost(host, { subject: 'never' })) !== undefined;
}

/**
 * The extended key usage OIDs of a certificate, or undefined when it has no such extension (any
 * use allowed). Node calls them `keyUsage`; newer versions add `extKeyUsage` and deprecate the
 * old name, so the new one is read where it exists.
 */
function extendedKeyUsage(cert: X509Certificate): readonly string[] | undefined {
  const c = cert as X509Certificate & { extKeyUsage?: string[]; keyUsage?: string[] };
  return 'extKeyUsage' in c ? c.extKeyUsage : c.keyUsage;
}

/**
 * Whether a server certificate (with the intermediates it presented) chains to the pinned CA,
 * names `hostname` in its SANs, is a leaf usable for TLS server authentication, and is (like the
 * pinned CA) within its validity period. Only the pinned CA is a trust anchor: a chain to any
 * other CA, however well known, is refused. The verify proc accepts on this check alone, in place
 * of Chromium's own, so it must be at least as strict for everything the hub CA issues.
 */
export function chainsToCa(
  leafPem: string,
  intermediatePems: readonly string[],
  caPem: string,
  options: { hostname?: string; now?: number } = {},
): ChainCheck {
  const now = options.now ?? Date.now();
  const ca = parse(caPem);
  if (!ca) return { ok: false, reason: 'the pinned CA is not a PEM certificate' };
  if (!ca.ca) return { ok: false, reason: 'the pinned certificate is not a CA certificate' };
  if (!timeValid(ca, now)) return { ok: false, reason: 'the pinned CA is expired or not yet valid' };
  const leaf = parse(leafPem);
  if (!leaf) return { ok: false, reason: 'the server certificate cannot be read' };
  if (leaf.ca) return { ok: false, reason: 'the server certificate is a CA certificate, not a server one' };
  if (!timeValid(leaf, now))
    return { ok: false, reason: 'the server certificate is expired or not yet valid' };
  const usages = extendedKeyUsage(leaf);
  if (usages !== undefined && !usages.includes(SERVER_AUTH)) {
    return { ok: false, reason: 'the server certificate is not for TLS servers (no serverAuth usage)' };
  }
  if (options.hostname !== undefined && !namesHost(leaf, options.hostname)) {
    return { ok: false, reason: `the server certificate is not for ${options.hostname}` };
  }
  const intermediates = intermediatePems.flatMap((pem) => parse(pem) ?? []);
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    if (signedBy(current, ca)) return { ok: true };
    const next = intermediates.find((i) => i.ca && timeValid(i, now) && signedBy(current, i));
    if (!next) break;
    current = next;
  }
  return {
    ok: false,
    reason: `the server certificate (issued by ${leaf.issuer.replaceAll('\n', ', ')}) does not chain to the pinned CA (${ca.subject.replaceAll('\n', ', ')})`,
  };
}

/** The presented chain of an Electron certificate: the leaf's PEM and the PEMs above it. */
export function presentedChain(certificate: CertificatePort): { leaf: string; intermediates: string[] } {
  const intermediates: string[] = [];
  let cursor = certificate.issuerCert;
  while (cursor && intermediates.length < MAX_CHAIN && cursor !== certificate) {
    intermediates.push(cursor.data);
    cursor = cursor.issuerCert === cursor ? undefined : cursor.issuerCert;
  }
  return { leaf: certificate.data, intermediates };
}

/**
 * The verify proc's decision for one request: the pinned hub's host is accepted only with a chain
 * to its pinned CA (whatever Chromium thinks of it); every other host is left to Chromium's usual
 * verification. Chromium gives the host name but not the port, so the pin covers the host.
 */
export function decideCertificate(
  request: CertificateVerifyRequestPort,
  pinned: PinnedHub,
  now?: number,
): { result: number; reason?: string } {
  if (bare(request.hostname) !== bare(pinned.hostname)) return { result: VERIFY_USE_CHROMIUM };
  const { leaf, intermediates } = presentedChain(request.certificate);
  const check = chainsToCa(leaf, intermediates, pinned.caPem, {
    hostname: request.hostname,
    ...(now === undefined ? {} : { now }),
  });
  return check.ok ? { result: VERIFY_ACCEPT } : { result: VERIFY_REFUSE, reason: check.reason };
}

/**
 * Makes the session trust the pinned hub's certificates by its CA alone, never accepts a
 * certificate Chromium refused, and never sends a client certificate (the hub asks for one from
 * devices, not from operators).
 */
export function installCertificateTrust(
  app: AppPort,
  session: SessionPort,
  pinned: PinnedHub,
  log: (message: string, fields: Record<string, unknown>) => void = () => {},
): void {
  session.setCertificateVerifyProc((request, callback) => {
    const { result, reason } = decideCertificate(request, pinned);
    if (reason) log('hub certificate refused', { hostname: request.hostname, reason });
    callback(result);
  });
  app.on('certificate-error', (event, _contents, url, error, _certificate, callback) => {
    event.preventDefault();
    log('certificate refused', { url, error });
    callback(false);
  });
  app.on('select-client-certificate', (event, _contents, _url, _certificates, callback) => {
    event.preventDefault();
    callback();
  });
}
