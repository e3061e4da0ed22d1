import type { X509Certificate } from 'node:crypto';
import { isIP, isIPv4 } from 'node:net';

/** One subjectAltName entry, normalised: DNS names lower-cased, IP addresses in canonical text. */
export interface SubjectAltName {
  /** DNS name or IP address. */
  type: 'dns' | 'ip';
  /** Lower-case DNS name, or canonical IPv4 / compressed IPv6 text (no brackets). */
  value: string;
}

/** Classifies a host name or address (IPv6 may be bracketed) as a DNS or IP SAN, normalised. */
export function toSubjectAltName(name: string): SubjectAltName {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  if (isIP(bare) === 0) return { type: 'dns', value: bare.toLowerCase() };
  return { type: 'ip', value: canonicalIp(bare) };
}

/** True when `address` is the unspecified address (0.0.0.0 or ::), which cannot appear in a certificate. */
export function isUnspecifiedAddress(address: string): boolean {
  const san = toSubjectAltName(address);
  return san.type === 'ip' && (san.value === '0.0.0.0' || san.value === '::');
}

/** The SANs the hub's server certificate must carry: host name, localhost, concrete bind IP, loopbacks, extras. */
export function serverSubjectAltNames(options: {
  hostName: string;
  bindAddress?: string;
  sans: readonly string[];
}): SubjectAltName[] {
  const names = [options.hostName, 'localhost'];
  if (options.bindAddress && isIP(options.bindAddress) !== 0 && !isUnspecifiedAddress(options.bindAddress)) {
    names.push(options.bindAddress);
  }
  names.push('127.0.0.1', '::1', ...options.sans);
  return dedupe(names.filter((n) => n !== '').map(toSubjectAltName));
}

/** The SANs of an existing certificate, normalised like {@link toSubjectAltName}. */
export function readSubjectAltNames(cert: X509Certificate): SubjectAltName[] {
  const found: SubjectAltName[] = [];
  // Node renders them as "DNS:a, IP Address:1.2.3.4, IP Address:0:0:0:0:0:0:0:1"; other kinds are ignored.
  for (const entry of (cert.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) found.push({ type: 'dns', value: entry.slice(4).toLowerCase() });
    else if (entry.startsWith('IP Address:')) found.push(toSubjectAltName(entry.slice(11)));
  }
  return found;
}

/** True when every wanted SAN is present in `have`. */
export function coversSubjectAltNames(
  have: readonly SubjectAltName[],
  want: readonly SubjectAltName[],
): boolean {
  const keys = new Set(have.map(keyOf));
  return want.every((san) => keys.has(keyOf(san)));
}

/** The node-forge `altNames` entries for a subjectAltName extension (2 = dNSName, 7 = iPAddress). */
export function toForgeAltNames(
  sans: readonly SubjectAltName[],
): ({ type: 2; value: string } | { type: 7; ip: string })[] {
  return sans.map((san) => (san.type === 'dns' ? { type: 2, value: san.value } : { type: 7, ip: san.value }));
}

function canonicalIp(ip: string): string {
  if (isIPv4(ip)) return ip;
  // A zone (fe80::1%eth0) only scopes a link-local address on this host; certificates cannot carry one.
  const address = ip.replace(/%.*$/, '');
  // The WHATWG URL parser compresses IPv6 and folds embedded dotted quads into hex, which also
  // keeps the text in a form node-forge's IPv6 encoder handles.
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

function keyOf(san: SubjectAltName): string {
  return `${san.type}:${san.value}`;
}

function dedupe(sans: SubjectAltName[]): SubjectAltName[] {
  const seen = new Set<string>();
  return sans.filter((san) => !seen.has(keyOf(san)) && seen.add(keyOf(san)));
}
