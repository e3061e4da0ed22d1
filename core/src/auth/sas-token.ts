import { createHmac } from 'node:crypto';
import { sasError } from './sas-error';

/** A SharedAccessSignature split into its fields, each exactly as it was sent (not decoded). */
export interface SasToken {
  /** The signed resource: a hub host name, or `{host}/devices/{id}`; raw or URL-encoded, as sent. */
  sr: string;
  /** The URL-encoded base64 HMAC-SHA256 signature. */
  sig: string;
  /** The expiry in seconds since the Unix epoch, as text. */
  se: string;
  /** The URL-encoded shared access policy name; absent on device-key tokens. */
  skn?: string;
  /** The whole token, prefix included. */
  raw: string;
}

const PREFIX = 'SharedAccessSignature ';
const KNOWN_FIELDS = new Set(['sr', 'sig', 'se', 'skn']);

/** `encodeURIComponent` that also escapes `! ' ( ) *`, as the Azure SDKs do for sr, sig and skn. */
export function strictUrlEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Parses an `Authorization` header or MQTT password holding a SharedAccessSignature; fields in any order. */
export function parseSasToken(header: string): SasToken {
  if (!header.startsWith(PREFIX)) {
    throw sasError('malformed', 'The token does not start with SharedAccessSignature.');
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(PREFIX.length).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw sasError('malformed', 'A token field has no name or no value.');
    const name = part.slice(0, eq);
    // Unknown fields are ignored, as Azure does; repeated known ones are refused because which copy
    // was signed would be ambiguous.
    if (!KNOWN_FIELDS.has(name)) continue;
    if (fields.has(name)) throw sasError('malformed', `The token field ${name} appears more than once.`);
    fields.set(name, part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  for (const [name, value] of [
    ['sr', sr],
    ['sig', sig],
    ['se', se],
  ] as const) {
    if (!value) throw sasError('malformed', `The token has no ${name} field.`);
  }
  const skn = fields.get('skn');
  const token: SasToken = { sr: sr!, sig: sig!, se: se!, raw: header };
  if (skn !== undefined) token.skn = skn;
  return token;
}

/** base64( HMAC-SHA256( base64-decode(key), sr + "\n" + se ) ); the result is not URL-encoded. */
export function signSas(sr: string, se: number | string, base64Key: string): string {
  return createHmac('sha256', Buffer.from(base64Key, 'base64')).update(`${sr}\n${se}`).digest('base64');
}

/** Input of {@link createSasToken}. */
export interface CreateSasTokenOptions {
  /** Put into `sr` exactly as given: pass a raw host (service SDK style) or a strictly encoded resource (device SDK style). */
  resourceUri: string;
  /** The base64 shared access key. */
  key: string;
  /** The policy name for `skn`; omit for a device-key token. */
  policyName?: string;
  /** The expiry (`se`) in whole seconds since the Unix epoch. */
  expiresAt: number;
}

/** Builds a token byte for byte as the Node SDK does: `sr=<raw>&sig=<enc>[&skn=<enc>]&se=<se>`. */
export function createSasToken(options: CreateSasTokenOptions): string {
  const { resourceUri, key, policyName, expiresAt } = options;
  const sig = strictUrlEncode(signSas(resourceUri, expiresAt, key));
  const skn = policyName === undefined ? '' : `&skn=${strictUrlEncode(policyName)}`;
  return `${PREFIX}sr=${resourceUri}&sig=${sig}${skn}&se=${expiresAt}`;
}
