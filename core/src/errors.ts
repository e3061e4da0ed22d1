/**
 * The single error catalogue of the hub. Core knows no HTTP status or MQTT reason code:
 * each adapter maps these codes onto its own wire (see edge-runtime/src/http/error-map.ts).
 */
export const errorCatalogue = {
  INVALID_ARGUMENT: 'A value in the request is missing or malformed.',
  INVALID_FORMAT: 'The request body is not the JSON the operation expects.',
  INVALID_DEVICE_ID: 'The device id breaks the id rules.',
  INVALID_PROTOCOL_VERSION: 'The api-version is missing or malformed.',
  INVALID_QUERY: 'The query does not parse or uses an unsupported construct.',
  TWIN_LIMIT_EXCEEDED: 'A twin section would break a size, depth or key rule.',
  DEVICE_NOT_FOUND: 'No device with that id is registered.',
  MODULE_NOT_FOUND: 'No module with that id is registered on the device.',
  JOB_NOT_FOUND: 'No job with that id exists.',
  JOB_ALREADY_EXISTS: 'A job with that id exists already.',
  NOT_FOUND: 'No such resource.',
  DEVICE_ALREADY_EXISTS: 'A device with that id is already registered.',
  CONFIGURATION_NOT_FOUND: 'No configuration with that id exists.',
  CONFIGURATION_ALREADY_EXISTS: 'A configuration with that id exists already.',
  CONFIGURATION_CONTENT_IMMUTABLE: 'The content of a configuration cannot change after creation.',
  CONFIGURATION_LIMIT_EXCEEDED: 'The hub holds as many configurations as it allows.',
  USER_ALREADY_EXISTS: 'An operator account with that name exists already.',
  LAST_ADMIN: 'The change would leave the hub without an admin.',
  DEVICE_DEFINED_MULTIPLE_TIMES: 'The same device id appears more than once in a bulk request.',
  BULK_OPERATION_FAILED: 'At least one device of a bulk request failed.',
  TOO_MANY_DEVICES: 'A bulk request carries more devices than allowed.',
  PRECONDITION_FAILED: 'The If-Match etag does not match the current etag.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than allowed.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body is not sent as application/json.',
  UNAUTHORIZED: 'The credentials are missing, wrong, expired or lack the needed right.',
  FORBIDDEN: "The caller is signed in, but its role does not allow this operation (Outpost's own API).",
  DEVICE_NOT_ONLINE: 'The device is not connected or not listening for this request.',
  GATEWAY_TIMEOUT: 'The device did not answer in time.',
  THROTTLED: 'Too many requests; retry later.',
  QUEUE_FULL: 'A queue is at its limit: C2D messages of one device, or the telemetry outbox budget.',
  SERVICE_UNAVAILABLE: 'The hub is starting or stopping.',
  INTERNAL: 'The hub failed unexpectedly; the request may be retried.',
} as const;

/** A code from the catalogue. */
export type ErrorCode = keyof typeof errorCatalogue;

/** The one error class the hub throws for anything a caller did or can act on. */
export class HubError extends Error {
  override readonly name = 'HubError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `err` is a HubError, optionally with the given code. */
export function isHubError(err: unknown, code?: ErrorCode): err is HubError {
  return err instanceof HubError && (code === undefined || err.code === code);
}
