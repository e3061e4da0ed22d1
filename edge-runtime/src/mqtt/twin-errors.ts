/**
 * HubError codes on the MQTT twin wire (device-protocol.md §2.8): a status for the topic and a
 * JSON body with a 6-digit IoT Hub `errorCode`. The SDK ignores the status and fails the call
 * only when the body has `errorCode` (pitfall 4), so every error reply carries one.
 */
import { randomUUID } from 'node:crypto';
import { type ErrorCode, HubError } from '@outpost/core';

/** A twin error reply: the topic status and the JSON body. */
export interface TwinErrorReply {
  status: number;
  body: string;
}

// IoT Hub's codes: 400004 ArgumentInvalid, 404001 DeviceNotFound, 412002 PreconditionFailed,
// 413001 MessageTooLarge, 429001 ThrottlingException, 500001 ServerError, 503001 ServiceUnavailable.
const CODES: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400004,
  INVALID_FORMAT: 400004,
  TWIN_LIMIT_EXCEEDED: 400004,
  PAYLOAD_TOO_LARGE: 400004,
  DEVICE_NOT_FOUND: 404001,
  MODULE_NOT_FOUND: 404010,
  PRECONDITION_FAILED: 412002,
  THROTTLED: 429001,
  SERVICE_UNAVAILABLE: 503001,
};

/** The reply for an error; unexpected errors become 500 / 500001 without their text. */
export function twinErrorReply(err: unknown, now: Date = new Date()): TwinErrorReply {
  const hubError = err instanceof HubError ? err : undefined;
  const errorCode = (hubError && CODES[hubError.code]) ?? 500001;
  const message =
    hubError && errorCode !== 500001 ? hubError.message : 'The hub failed to handle the request.';
  const body = {
    errorCode,
    trackingId: randomUUID().replaceAll('-', ''),
    message,
    timestampUtc: now.toISOString(),
  };
  return { status: Math.floor(errorCode / 1000), body: JSON.stringify(body) };
}
