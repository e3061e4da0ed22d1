import { HubError } from '../errors';

// Why: snippets are echoed from user input, so they are cut short to keep error bodies small.
const MAX_SNIPPET = 40;

/** Makes query text safe to quote in an error: short, one line, and without `;` (the wire splits on it). */
export function snippet(text: string): string {
  const oneLine = text.replace(/[\r\n\t]+/g, ' ');
  const cut = oneLine.length > MAX_SNIPPET ? `${oneLine.slice(0, MAX_SNIPPET)}...` : oneLine;
  return cut.replaceAll(';', '\\u003b');
}

/** An INVALID_QUERY error whose message and details carry the 0-based position of the bad part. */
export function queryError(message: string, position: number): HubError {
  // Why: the message is built from user text, so strip `;` here too as a last line of defence.
  return new HubError('INVALID_QUERY', message.replaceAll(';', '\\u003b'), { position });
}

/** `Syntax error at position P near 'X': expected Y`. */
export function syntaxError(position: number, near: string, expected: string): HubError {
  // Why: an empty query has no token to quote, and `near ''` reads like a bug.
  const at = near === '' ? `at position ${position}` : `at position ${position} near '${snippet(near)}'`;
  return queryError(`Syntax error ${at}: expected ${expected}`, position);
}

/** `Invalid query at position P near 'X': reason` for constructs that parse but are not allowed. */
export function invalidAt(position: number, near: string, reason: string): HubError {
  return queryError(`Invalid query at position ${position} near '${snippet(near)}': ${reason}`, position);
}
