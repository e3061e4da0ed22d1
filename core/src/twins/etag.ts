/**
 * Twin etags and If-Match preconditions (service-api.md §3.2, §3.3). Azure's twin etag is the
 * base64 of a 64-bit big-endian counter (`AAAAAAAAAAc=` is 7); clients treat it as opaque.
 */
import { HubError } from '../errors';

/** The etag for a counter: base64 of its 8-byte big-endian form, e.g. 7 → `AAAAAAAAAAc=`. */
export function encodeEtag(counter: number): string {
  // Safe integers only: beyond 2^53 two counters would share one double and so one etag.
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `Etag counter must be a non-negative safe integer, got ${counter}`,
    );
  }
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(counter));
  return bytes.toString('base64');
}

/** The counter inside an etag made by encodeEtag, or undefined when it is not one. */
export function decodeEtag(etag: string): number | undefined {
  if (!/^[A-Za-z0-9+/]{11}=$/.test(etag)) return undefined;
  const bytes = Buffer.from(etag, 'base64');
  if (bytes.length !== 8) return undefined;
  const counter = bytes.readBigUInt64BE();
  if (counter > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const value = Number(counter);
  // Only the canonical spelling round-trips; `AAAAAAAAAAd=` decodes to 7 too but is not our etag.
  return encodeEtag(value) === etag ? value : undefined;
}

/**
 * The etag an If-Match header asks for: `*` for "any", undefined when the header is absent or
 * blank (no precondition), otherwise the etag with a `W/` prefix and surrounding quotes removed.
 * `"*"` (quoted, as the SDK sends it) is `*` too. A list (`"a", "b"`) is not split: no IoT Hub
 * SDK sends one, and it then matches nothing, which fails safe with a 412.
 */
export function parseIfMatch(header: string | undefined): string | '*' | undefined {
  if (header === undefined) return undefined;
  let value = header.trim();
  if (value === '') return undefined;
  if (value.startsWith('W/')) value = value.slice(2);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  return value;
}

/** True when the precondition holds: none given, `*`, or exactly the current etag. */
export function etagMatches(ifMatch: string | undefined, current: string): boolean {
  return ifMatch === undefined || ifMatch === '*' || ifMatch === current;
}
