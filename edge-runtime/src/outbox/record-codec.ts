import { crc32 } from 'node:zlib';
import { HubError, parsePropertyBag, type RawTelemetryMessage, type TelemetryMessage } from '@outpost/core';

/** A telemetry message as the outbox keeps it: the message and its sequence number. */
export interface OutboxRecord extends TelemetryMessage {
  /** Per-outbox, strictly increasing from 1; contiguous within a segment. */
  seq: number;
}

/** A message whose header is already serialised, so its framed size is known before it gets a seq. */
export type EncodedMessage = EncodedHeader &
  ({ raw: false; message: TelemetryMessage } | { raw: true; message: RawTelemetryMessage });

interface EncodedHeader {
  /** The header as JSON text; written straight into the batch buffer (no Buffer per message). */
  meta: string;
  /** UTF-8 bytes of `meta`. */
  metaBytes: number;
  /** Bytes the framed record takes on disk. */
  size: number;
}

/**
 * Frame layout (little endian):
 *   u32 payloadLength | u32 crc32(payload) | payload
 *   payload = u64 seq | u32 metaLength | meta (UTF-8 JSON) | body
 * meta holds either parsed `systemProperties` and `properties` or the raw `propertyBag` (the topic's
 * bag as the device sent it, parsed only when the record is decoded); readers accept both.
 * The length lets a reader skip records; the CRC tells a torn or never-synced tail from a record.
 */
export const FRAME_HEADER_BYTES = 8;
const PAYLOAD_FIXED_BYTES = 12;

// A telemetry body is at most 256 KiB and its property bag must fit an MQTT topic (64 KiB); 1 MiB
// leaves room for both and still lets a reader bound a corrupt length field.
/** The largest framed record the outbox accepts. */
export const MAX_RECORD_BYTES = 1024 * 1024;

interface RecordMeta {
  deviceId: string;
  moduleId?: string;
  enqueuedTime: string;
  systemProperties?: Record<string, string>;
  properties?: Record<string, string>;
  propertyBag?: string;
}

/** Serialises a message's header once; throws PAYLOAD_TOO_LARGE beyond {@link MAX_RECORD_BYTES}. */
export function encodeMessage(message: TelemetryMessage): EncodedMessage {
  // Same keys in the same order as RecordMeta always had (moduleId only when set).
  const meta: RecordMeta =
    message.moduleId === undefined
      ? {
          deviceId: message.deviceId,
          enqueuedTime: message.enqueuedTime,
          systemProperties: message.systemProperties,
          properties: message.properties,
        }
      : {
          deviceId: message.deviceId,
          moduleId: message.moduleId,
          enqueuedTime: message.enqueuedTime,
          systemProperties: message.systemProperties,
          properties: message.properties,
        };
  const text = JSON.stringify(meta);
  const metaBytes = Buffer.byteLength(text, 'utf8');
  return { raw: false, message, meta: text, metaBytes, size: frameSize(metaBytes, message.body) };
}

/** Like {@link encodeMessage}, keeping the property bag raw: no parse, and a shorter header to write. */
export function encodeRawMessage(message: RawTelemetryMessage): EncodedMessage {
  const meta: RecordMeta =
    message.moduleId === undefined
      ? { deviceId: message.deviceId, enqueuedTime: message.enqueuedTime, propertyBag: message.propertyBag }
      : {
          deviceId: message.deviceId,
          moduleId: message.moduleId,
          enqueuedTime: message.enqueuedTime,
          propertyBag: message.propertyBag,
        };
  const text = JSON.stringify(meta);
  const metaBytes = Buffer.byteLength(text, 'utf8');
  return { raw: true, message, meta: text, metaBytes, size: frameSize(metaBytes, message.body) };
}

/** The framed size of a record; throws PAYLOAD_TOO_LARGE beyond {@link MAX_RECORD_BYTES}. */
function frameSize(metaBytes: number, body: Buffer): number {
  const size = FRAME_HEADER_BYTES + PAYLOAD_FIXED_BYTES + metaBytes + body.length;
  if (size > MAX_RECORD_BYTES) {
    throw new HubError(
      'PAYLOAD_TOO_LARGE',
      `A telemetry record of ${size} bytes is larger than the outbox limit of ${MAX_RECORD_BYTES}.`,
    );
  }
  return size;
}

const TWO_POW_32 = 2 ** 32;

/** Writes the framed record of `encoded` with `seq` into `target` at `offset`; returns the next offset. */
export function writeFrame(target: Buffer, offset: number, encoded: EncodedMessage, seq: number): number {
  const payloadStart = offset + FRAME_HEADER_BYTES;
  const payloadLength = encoded.size - FRAME_HEADER_BYTES;
  // u64 little endian as two u32 halves (seq is a safe integer): no BigInt per record.
  target.writeUInt32LE(seq % TWO_POW_32, payloadStart);
  target.writeUInt32LE(Math.floor(seq / TWO_POW_32), payloadStart + 4);
  target.writeUInt32LE(encoded.metaBytes, payloadStart + 8);
  const metaStart = payloadStart + PAYLOAD_FIXED_BYTES;
  target.write(encoded.meta, metaStart, encoded.metaBytes, 'utf8');
  encoded.message.body.copy(target, metaStart + encoded.metaBytes);
  target.writeUInt32LE(payloadLength, offset);
  target.writeUInt32LE(crc32(target.subarray(payloadStart, payloadStart + payloadLength)), offset + 4);
  return offset + encoded.size;
}

/** What {@link decodeFrame} found at an offset. */
export type FrameResult =
  | { kind: 'record'; seq: number; size: number; decode: () => OutboxRecord }
  /** The buffer ends inside this frame; `size` is the whole frame's size when the header was readable. */
  | { kind: 'partial'; size?: number }
  /** Not a valid frame: a torn write, zeros, or damage. */
  | { kind: 'invalid'; reason: string };

/** Reads the frame at `offset` of `buf`; decoding the record itself is deferred to `decode()`. */
export function decodeFrame(buf: Buffer, offset: number): FrameResult {
  if (buf.length - offset < FRAME_HEADER_BYTES) return { kind: 'partial' };
  const payloadLength = buf.readUInt32LE(offset);
  if (payloadLength < PAYLOAD_FIXED_BYTES || payloadLength > MAX_RECORD_BYTES) {
    return { kind: 'invalid', reason: `implausible record length ${payloadLength}` };
  }
  const size = FRAME_HEADER_BYTES + payloadLength;
  if (buf.length - offset < size) return { kind: 'partial', size };
  const payload = buf.subarray(offset + FRAME_HEADER_BYTES, offset + size);
  if (crc32(payload) !== buf.readUInt32LE(offset + 4)) return { kind: 'invalid', reason: 'CRC mismatch' };
  const metaLength = payload.readUInt32LE(8);
  if (PAYLOAD_FIXED_BYTES + metaLength > payloadLength) {
    return { kind: 'invalid', reason: 'header longer than the record' };
  }
  const seq = Number(payload.readBigUInt64LE(0));
  return {
    kind: 'record',
    seq,
    size,
    decode() {
      const metaEnd = PAYLOAD_FIXED_BYTES + metaLength;
      const meta = JSON.parse(payload.subarray(PAYLOAD_FIXED_BYTES, metaEnd).toString('utf8')) as RecordMeta;
      // A copy, so a caller holding one record does not pin the whole read buffer.
      return toRecord(meta, seq, Buffer.from(payload.subarray(metaEnd)));
    },
  };
}

/** The record of a message (raw or parsed, as stored or as just appended) with `seq`. */
export function toRecord(
  message: Omit<TelemetryMessage, 'systemProperties' | 'properties' | 'body'> & {
    systemProperties?: Record<string, string>;
    properties?: Record<string, string>;
    propertyBag?: string;
  },
  seq: number,
  body: Buffer,
): OutboxRecord {
  const bag =
    message.propertyBag !== undefined
      ? parsePropertyBag(message.propertyBag)
      : { systemProperties: message.systemProperties ?? {}, properties: message.properties ?? {} };
  // The key order records always had: seq, deviceId, [moduleId,] enqueuedTime, …
  return message.moduleId === undefined
    ? {
        seq,
        deviceId: message.deviceId,
        enqueuedTime: message.enqueuedTime,
        systemProperties: bag.systemProperties,
        properties: bag.properties,
        body,
      }
    : {
        seq,
        deviceId: message.deviceId,
        moduleId: message.moduleId,
        enqueuedTime: message.enqueuedTime,
        systemProperties: bag.systemProperties,
        properties: bag.properties,
        body,
      };
}
