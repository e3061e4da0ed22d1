import { HubError } from '../errors';

/** Why a token was refused; carried in `HubError.details.reason` so callers can log and test it. */
export type SasFailureReason =
  | 'malformed'
  | 'device-token'
  | 'policy-token'
  | 'unknown-policy'
  | 'missing-right'
  | 'bad-signature'
  | 'expired'
  | 'wrong-hub'
  | 'wrong-device';

/** An UNAUTHORIZED HubError with a reason; the message must never carry a key, a signature or a `;`. */
export function sasError(
  reason: SasFailureReason,
  message: string,
  details?: Record<string, unknown>,
): HubError {
  return new HubError('UNAUTHORIZED', message.replaceAll(';', ','), { reason, ...details });
}

/**
 * Makes caller-supplied text safe to quote in an error message: the SDK splits error messages on `;`,
 * and a hostile token must not be able to inject control characters or megabytes into our logs.
 */
export function quoteForMessage(text: string, max = 64): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  const clean = text.replace(/[;\u0000-\u001f\u007f]/g, '?');
  return `'${clean.length > max ? `${clean.slice(0, max)}…` : clean}'`;
}
