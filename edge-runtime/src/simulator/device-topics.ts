/**
 * The device side of the IoT Hub MQTT topics (device-protocol.md §2.1): what a device builds (GET,
 * PATCH, method responses, telemetry) and parses (twin responses, desired patches, method requests,
 * C2D). The filters and the property-bag parser shared with the hub come from core's topics module;
 * [TEMPORARY] the rest is the mirror image of that module and should be merged into it.
 */
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';
import { type PropertyBag, parsePropertyBag } from '@outpost/core';

/** `$iothub/twin/GET/?$rid={rid}` (§2.4). */
export function twinGetTopic(rid: string): string {
  return `$iothub/twin/GET/?$rid=${rid}`;
}

/** `$iothub/twin/PATCH/properties/reported/?$rid={rid}` (§2.5). */
export function reportedPatchTopic(rid: string): string {
  return `$iothub/twin/PATCH/properties/reported/?$rid=${rid}`;
}

/** `$iothub/methods/res/{status}/?$rid={rid}`, the SDK's TOPIC_RESPONSE_PUBLISH_FORMAT (§2.7). */
export function methodResponseTopic(status: number, rid: string): string {
  return `$iothub/methods/res/${status}/?$rid=${rid}`;
}

/** Message fields that travel as `$.` system properties in the bag (§2.2). */
export interface TelemetrySystemProperties {
  messageId?: string;
  correlationId?: string;
  contentType?: string;
  contentEncoding?: string;
}

/** `devices/{d}/messages/events/{bag}`, the bag built exactly as the SDK builds it (§2.2). */
export function telemetryTopic(
  deviceId: string,
  system: TelemetrySystemProperties = {},
  properties: Readonly<Record<string, string>> = {},
): string {
  // System properties come first and go through querystring.stringify, which is why `$` arrives as
  // `%24`; the SDK inserts them in this order (azure-iot-device-mqtt `_getEventTopicFromMessage`).
  const sys: Record<string, string> = {};
  if (system.messageId) sys['$.mid'] = system.messageId;
  if (system.correlationId) sys['$.cid'] = system.correlationId;
  if (system.contentType) sys['$.ct'] = system.contentType;
  if (system.contentEncoding) sys['$.ce'] = system.contentEncoding;
  const sysText = stringifyQuery(sys);
  // Application properties are encodeURIComponent'ed one by one and joined with `&`.
  const appText = Object.entries(properties)
    .map(([k, v]) => `${encodeURIComponent(k === 'dt-subject' ? '$.sub' : k)}=${encodeURIComponent(v)}`)
    .join('&');
  const bag = sysText && appText ? `${sysText}&${appText}` : sysText || appText;
  return `devices/${deviceId}/messages/events/${bag}`;
}

/** A `$iothub/twin/res/{status}/?$rid=…[&$version=…]` topic, parsed. */
export interface TwinResponseTopic {
  status: number;
  rid: string;
  /** The new reported `$version`, present on a 204 answer to a PATCH (§2.5). */
  version?: number;
}

/** Parses a twin response topic, or returns undefined for any other topic. */
export function parseTwinResponseTopic(topic: string): TwinResponseTopic | undefined {
  const match = /^\$iothub\/twin\/res\/(\d{3})\/?\?(.*)$/.exec(topic);
  if (!match) return undefined;
  const query = queryOf(match[2] ?? '');
  const rid = query.$rid;
  if (rid === undefined) return undefined;
  const version = toInteger(query.$version);
  return version === undefined
    ? { status: Number(match[1]), rid }
    : { status: Number(match[1]), rid, version };
}

/** Parses `$iothub/twin/PATCH/properties/desired/?$version=n`; `version` is absent when the topic has none. */
export function parseDesiredPatchTopic(topic: string): { version?: number } | undefined {
  if (!topic.startsWith('$iothub/twin/PATCH/properties/desired/')) return undefined;
  const q = topic.indexOf('?');
  const version = toInteger(q < 0 ? undefined : queryOf(topic.slice(q + 1)).$version);
  return version === undefined ? {} : { version };
}

/** Parses `$iothub/methods/POST/{name}/?$rid={rid}`; the `/` before `?` is optional, as in the SDK (§2.7). */
export function parseMethodRequestTopic(topic: string): { name: string; rid: string } | undefined {
  const match = /^\$iothub\/methods\/POST\/([^/?]+)\/?\?(.*)$/.exec(topic);
  if (!match) return undefined;
  const rid = queryOf(match[2] ?? '').$rid;
  return rid === undefined ? undefined : { name: match[1] ?? '', rid };
}

/** Parses `devices/{d}/messages/devicebound/{bag}` into its decoded system and application properties (§2.3). */
export function parseC2dTopic(topic: string, deviceId: string): PropertyBag | undefined {
  const prefix = `devices/${deviceId}/messages/devicebound/`;
  return topic.startsWith(prefix) ? parsePropertyBag(topic.slice(prefix.length)) : undefined;
}

/** The SDK parses `$iothub` query strings with querystring.parse (mqtt.js `_parseMessage`). */
function queryOf(text: string): Record<string, string | undefined> {
  const parsed = parseQuery(text);
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

function toInteger(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
