/**
 * The body of a direct-method invocation (`POST /twins/{id}/methods`, device-protocol.md §2.7),
 * validated: method name, payload size and the two timeouts.
 */
import { HubError } from '../errors';
import { isPlainObject } from '../twins/json-merge';

/** A validated invocation. */
export interface MethodInvocation {
  methodName: string;
  /** The JSON payload; `null` when none was given (the SDK answers 400 to an empty body, §2.7). */
  payload: unknown;
  responseTimeoutInSeconds: number;
  connectTimeoutInSeconds: number;
}

/** Longest method name, in characters ([LOCAL]: IoT Hub documents no figure; 128 like ids). */
export const MAX_METHOD_NAME_LENGTH = 128;
/** Largest payload: 128 KB of JSON text (IoT Hub's method payload limit, device-protocol.md §4). */
export const MAX_METHOD_PAYLOAD_BYTES = 128 * 1024;
/** Default, smallest and largest `responseTimeoutInSeconds` (the service SDK's documented range). */
export const METHOD_RESPONSE_TIMEOUT = { default: 30, min: 5, max: 300 } as const;
/** Default and largest `connectTimeoutInSeconds` (the SDK reference caps it at 300 s, §2.7). */
export const METHOD_CONNECT_TIMEOUT = { default: 0, max: 300 } as const;

// HTTP token separators (RFC 7230) plus `/`, `?` and the rest: the name goes unescaped into
// `$iothub/methods/POST/{name}/?$rid=` and the SDK reads it back as the 4th path segment.
const FORBIDDEN = new Set('$()<>@,;:\\"/[]?={} \t');

/** Validates a method name: printable US-ASCII without separators; throws INVALID_ARGUMENT. */
export function validateMethodName(name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new HubError('INVALID_ARGUMENT', 'methodName must be a non-empty string.');
  }
  if (name.length > MAX_METHOD_NAME_LENGTH) {
    throw new HubError('INVALID_ARGUMENT', `methodName is longer than ${MAX_METHOD_NAME_LENGTH} characters.`);
  }
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    const ch = name[i] as string;
    if (code < 0x20 || code > 0x7e || FORBIDDEN.has(ch)) {
      const shown = code >= 0x21 && code <= 0x7e ? `'${ch}'` : `U+${code.toString(16).padStart(4, '0')}`;
      throw new HubError(
        'INVALID_ARGUMENT',
        `methodName contains ${shown} at index ${i}, which is not allowed.`,
      );
    }
  }
  return name;
}

/** Parses and checks an invocation body; throws INVALID_ARGUMENT naming the field. */
export function parseMethodInvocation(body: unknown): MethodInvocation {
  if (!isPlainObject(body)) throw new HubError('INVALID_ARGUMENT', 'The body must be a JSON object.');
  const methodName = validateMethodName(body.methodName);
  const payload = body.payload === undefined ? null : body.payload;
  const text = JSON.stringify(payload) ?? 'null';
  if (Buffer.byteLength(text, 'utf8') > MAX_METHOD_PAYLOAD_BYTES) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `payload is larger than ${MAX_METHOD_PAYLOAD_BYTES} bytes of JSON.`,
    );
  }
  const response = readSeconds(body.responseTimeoutInSeconds, 'responseTimeoutInSeconds');
  // 0 means "the default", as the service SDKs send 0 when the caller set nothing.
  const responseTimeoutInSeconds =
    response === undefined || response === 0 ? METHOD_RESPONSE_TIMEOUT.default : response;
  if (
    responseTimeoutInSeconds < METHOD_RESPONSE_TIMEOUT.min ||
    responseTimeoutInSeconds > METHOD_RESPONSE_TIMEOUT.max
  ) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `responseTimeoutInSeconds must be from ${METHOD_RESPONSE_TIMEOUT.min} to ${METHOD_RESPONSE_TIMEOUT.max}, got ${responseTimeoutInSeconds}.`,
    );
  }
  const connect = readSeconds(body.connectTimeoutInSeconds, 'connectTimeoutInSeconds');
  const connectTimeoutInSeconds = connect ?? METHOD_CONNECT_TIMEOUT.default;
  if (connectTimeoutInSeconds > METHOD_CONNECT_TIMEOUT.max) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `connectTimeoutInSeconds must be from 0 to ${METHOD_CONNECT_TIMEOUT.max}, got ${connectTimeoutInSeconds}.`,
    );
  }
  return { methodName, payload, responseTimeoutInSeconds, connectTimeoutInSeconds };
}

function readSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new HubError('INVALID_ARGUMENT', `${field} must be a whole number of seconds.`);
  }
  return value;
}
