import { queryError } from './query-error';

/** What a continuation carries: the sort key of the last row sent and how many rows were sent so far. */
export interface ContinuationState {
  /** The sort key of the last row returned; the next page starts strictly after it. */
  readonly after: readonly string[];
  /** Rows returned so far, so that TOP n holds across pages. */
  readonly sent: number;
}

// Why: the tokens we issue hold a short hash and a few ids (ids are ≤ 128 chars), so anything much
// longer is forged or corrupt, and decoding it would only waste work.
const MAX_TOKEN_LENGTH = 4096;

/** FNV-1a over UTF-16 code units, as 8 hex digits: enough to tell one query text from another. */
function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function toBase64Url(json: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(json)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(token: string): string {
  const binary = atob(token.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** Encodes an opaque token bound to `queryText`: base64url JSON of the hash, last sort key and count. */
export function encodeContinuation(queryText: string, state: ContinuationState): string {
  return toBase64Url(JSON.stringify({ q: hashText(queryText), k: state.after, n: state.sent }));
}

/** Decodes a token from `encodeContinuation`; throws INVALID_QUERY when it is malformed or for another query. */
export function decodeContinuation(queryText: string, token: string): ContinuationState {
  const invalid = () => queryError('Invalid query at position 0: the continuation token is not valid', 0);
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token))
    throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(token));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { q, k, n } = parsed as Record<string, unknown>;
  const keyOk = Array.isArray(k) && k.every((part) => typeof part === 'string');
  if (typeof q !== 'string' || !keyOk || typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw invalid();
  }
  if (q !== hashText(queryText)) {
    throw queryError(
      'Invalid query at position 0: the continuation token belongs to a different query text',
      0,
    );
  }
  return { after: k as string[], sent: n };
}
