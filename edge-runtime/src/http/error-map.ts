import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type ErrorCode, HubError } from '@outpost/core';

/** The IoT Hub wire form of each hub error code: HTTP status and the `ErrorCode:` name (service-api.md §1.7). */
export const httpErrors: Record<ErrorCode, { status: number; name: string }> = {
  INVALID_ARGUMENT: { status: 400, name: 'ArgumentInvalid' },
  INVALID_FORMAT: { status: 400, name: 'IotHubFormatError' },
  INVALID_DEVICE_ID: { status: 400, name: 'ArgumentInvalid' },
  INVALID_PROTOCOL_VERSION: { status: 400, name: 'InvalidProtocolVersion' },
  // [LOCAL] Azure's exact code for a bad query is unknown (service-api.md §2.3).
  INVALID_QUERY: { status: 400, name: 'ArgumentInvalid' },
  TWIN_LIMIT_EXCEEDED: { status: 400, name: 'ArgumentInvalid' },
  DEVICE_DEFINED_MULTIPLE_TIMES: { status: 400, name: 'DeviceDefinedMultipleTimes' },
  BULK_OPERATION_FAILED: { status: 400, name: 'BulkRegistryOperationFailure' },
  // 401, never 403: the SDK maps 403 to TooManyDevicesError (service-api.md §1.6).
  UNAUTHORIZED: { status: 401, name: 'IotHubUnauthorizedAccess' },
  // [LOCAL] Only Outpost's own /api/v1 routes use it; IoT Hub routes answer a missing role with 401.
  FORBIDDEN: { status: 403, name: 'Forbidden' },
  DEVICE_NOT_FOUND: { status: 404, name: 'DeviceNotFound' },
  MODULE_NOT_FOUND: { status: 404, name: 'ModuleNotFound' },
  JOB_NOT_FOUND: { status: 404, name: 'JobNotFound' },
  JOB_ALREADY_EXISTS: { status: 409, name: 'JobAlreadyExists' },
  NOT_FOUND: { status: 404, name: 'NotFound' },
  DEVICE_NOT_ONLINE: { status: 404, name: 'DeviceNotOnline' },
  DEVICE_ALREADY_EXISTS: { status: 409, name: 'DeviceAlreadyExists' },
  USER_ALREADY_EXISTS: { status: 409, name: 'UserAlreadyExists' },
  LAST_ADMIN: { status: 409, name: 'LastAdmin' },
  PRECONDITION_FAILED: { status: 412, name: 'PreconditionFailed' },
  CONFIGURATION_NOT_FOUND: { status: 404, name: 'ConfigurationNotFound' },
  CONFIGURATION_ALREADY_EXISTS: { status: 409, name: 'ConfigurationAlreadyExists' },
  CONFIGURATION_CONTENT_IMMUTABLE: { status: 400, name: 'CannotModifyImmutableConfigurationContent' },
  // IoT Hub's quota answer (403002); the Node SDK reports any 403 as TooManyDevicesError.
  CONFIGURATION_LIMIT_EXCEEDED: { status: 403, name: 'IotHubQuotaExceeded' },
  // IoT Hub's own answer to a 51st queued C2D message (403004); the Node SDK reports 403 as TooManyDevicesError.
  QUEUE_FULL: { status: 403, name: 'DeviceMaximumQueueDepthExceeded' },
  TOO_MANY_DEVICES: { status: 413, name: 'TooManyDevices' },
  PAYLOAD_TOO_LARGE: { status: 413, name: 'MessageTooLarge' },
  // [LOCAL] 415 is plain HTTP; the SDK always sends application/json, so only other clients see it.
  UNSUPPORTED_MEDIA_TYPE: { status: 415, name: 'UnsupportedMediaType' },
  THROTTLED: { status: 429, name: 'ThrottlingException' },
  INTERNAL: { status: 500, name: 'ServerError' },
  SERVICE_UNAVAILABLE: { status: 503, name: 'ServiceUnavailable' },
  GATEWAY_TIMEOUT: { status: 504, name: 'GatewayTimeout' },
};

/** `MM/DD/YYYY HH:MM:SS` in UTC, as IoT Hub writes its tracking timestamps. */
function trackingTime(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCMonth() + 1)}/${p(date.getUTCDate())}/${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}`;
}

/** The classic IoT Hub error body; the SDK splits `Message` on `;`, so the text must hold none. */
export function errorBody(name: string, message: string, now = new Date()) {
  return {
    Message: `ErrorCode:${name};${message.replaceAll(';', ',')}`,
    ExceptionMessage: `Tracking ID:${randomBytes(16).toString('hex')}-G:0-TimeStamp:${trackingTime(now)}`,
  };
}

/** Answers `body` as JSON with `status` on a plain Node response (express's `res.json` without the router). */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Sends a HubError (or an unexpected error, as 500) in the IoT Hub wire format. It takes a plain
 * Node response, so the express routes and the method fast lane (method-fast-lane.ts) answer alike.
 */
export function sendError(res: ServerResponse, err: unknown): void {
  const hubError =
    err instanceof HubError ? err : new HubError('INTERNAL', 'The hub failed to handle the request.');
  const { status, name } = httpErrors[hubError.code];
  const headers: Record<string, string> = { 'iothub-errorcode': name };
  // A throttled caller learns when to come back (login rate limiting sets it).
  const retryAfter = hubError.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  writeJson(res, status, errorBody(name, hubError.message), headers);
}
