import { z } from 'zod';
import { HubError } from '../errors';

/** A validated request to send a C2D message. */
export interface C2dInput {
  body: Buffer;
  properties: Record<string, string>;
  messageId?: string;
  correlationId?: string;
  contentType?: string;
  contentEncoding?: string;
  /** Absolute expiry in ms since the epoch, when the sender gave one. */
  expiresAt?: number;
}

// IoT Hub caps a C2D message (body and properties) at 64 KB (device-protocol.md §2.3); the property
// bag also has to fit in one MQTT topic.
/** The largest C2D message: body plus property keys and values, in bytes. */
export const MAX_C2D_MESSAGE_BYTES = 64 * 1024;

// IoT Hub's limit for message and correlation ids.
const MAX_ID_LENGTH = 128;
const ID_TEXT = /^[\x21-\x7e]+$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
// Lone UTF-16 surrogates cannot be percent-encoded into the topic (encodeURIComponent throws).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const idSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` })
  .regex(ID_TEXT, { error: 'must be printable ASCII without spaces' });
const headerSchema = z.string().max(256, { error: 'must be at most 256 characters' });

const inputSchema = z.strictObject({
  body: z.string({ error: 'must be a string' }),
  bodyEncoding: z.enum(['utf8', 'base64'], { error: 'must be utf8 or base64' }).optional(),
  properties: z
    .record(
      z.string().min(1, { error: 'property names must not be empty' }),
      z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, number or boolean' }),
    )
    .optional(),
  messageId: idSchema.optional(),
  correlationId: idSchema.optional(),
  contentType: headerSchema.optional(),
  contentEncoding: headerSchema.optional(),
  expiryTimeUtc: z
    .string()
    .regex(ISO_UTC, { error: 'must be an ISO-8601 time with a zone, e.g. 2030-01-01T00:00:00Z' })
    .optional(),
});

function invalid(where: string, message: string): HubError {
  return new HubError('INVALID_ARGUMENT', `Invalid C2D message at ${where}: ${message}`);
}

/** Validates the body of `POST /api/v1/devices/{id}/messages`; `now` is for the expiry check. */
export function parseC2dInput(input: unknown, now: number): C2dInput {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(issue?.path.join('.') || 'body', issue?.message ?? 'bad value');
  }
  const data = parsed.data;
  if (data.bodyEncoding === 'base64' && !BASE64.test(data.body)) {
    throw invalid('body', 'is not padded base64 although bodyEncoding is base64');
  }
  const body = Buffer.from(data.body, data.bodyEncoding === 'base64' ? 'base64' : 'utf8');

  for (const [where, text] of [
    ['contentType', data.contentType],
    ['contentEncoding', data.contentEncoding],
    ...Object.entries(data.properties ?? {}).flatMap(([k, v]) => [
      [`properties.${k}`, k],
      [`properties.${k}`, String(v)],
    ]),
  ] as const) {
    if (text !== undefined && LONE_SURROGATE.test(text))
      throw invalid(where, 'holds a lone UTF-16 surrogate');
  }
  const properties: Record<string, string> = {};
  let size = body.length;
  for (const [key, raw] of Object.entries(data.properties ?? {})) {
    // The SDK reads `$.`-keys as system properties (message id, expiry, …), never as app properties.
    if (key.startsWith('$.')) throw invalid(`properties.${key}`, 'names starting with $. are reserved');
    const value = String(raw);
    properties[key] = value;
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  for (const text of [data.messageId, data.correlationId, data.contentType, data.contentEncoding]) {
    size += text ? Buffer.byteLength(text) : 0;
  }
  if (size > MAX_C2D_MESSAGE_BYTES) {
    throw new HubError(
      'PAYLOAD_TOO_LARGE',
      `The C2D message takes ${size} bytes (body and properties), more than the ${MAX_C2D_MESSAGE_BYTES} allowed.`,
    );
  }

  let expiresAt: number | undefined;
  if (data.expiryTimeUtc !== undefined) {
    expiresAt = Date.parse(data.expiryTimeUtc);
    if (!Number.isFinite(expiresAt)) throw invalid('expiryTimeUtc', 'is not a valid time');
    if (expiresAt <= now) throw invalid('expiryTimeUtc', 'is in the past');
  }
  return {
    body,
    properties,
    ...(data.messageId !== undefined ? { messageId: data.messageId } : {}),
    ...(data.correlationId !== undefined ? { correlationId: data.correlationId } : {}),
    ...(data.contentType !== undefined ? { contentType: data.contentType } : {}),
    ...(data.contentEncoding !== undefined ? { contentEncoding: data.contentEncoding } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}
