/**
 * The IoT Hub MQTT topics (device-protocol.md §2.1): the only module that builds or parses them.
 * Device and module ids go into topics unescaped (§1.3, pitfall 14); the registry refuses ids
 * holding `/ + # ? & % =`, so an id can never move a topic boundary.
 */

/** A device, or a module of a device, as topics name it. */
export interface TopicIdentity {
  deviceId: string;
  moduleId?: string | undefined;
}

/** The twin-response filter every device subscribes to (§2.4). */
export const TWIN_RESPONSE_FILTER = '$iothub/twin/res/#';
/** The desired-property notification filter (§2.6). */
export const DESIRED_PATCH_FILTER = '$iothub/twin/PATCH/properties/desired/#';
/** The direct-method request filter (§2.7). */
export const METHOD_REQUEST_FILTER = '$iothub/methods/POST/#';

/** What a granted subscription is for. */
export type SubscriptionKind = 'twinResponses' | 'desired' | 'methods' | 'c2d';

/** The cloud-to-device filter of an identity: devicebound for a device, inputs for a module (§2.3). */
export function c2dFilter(id: TopicIdentity): string {
  return id.moduleId === undefined
    ? `devices/${id.deviceId}/messages/devicebound/#`
    : `devices/${id.deviceId}/modules/${id.moduleId}/inputs/#`;
}

/** What `filter` subscribes `id` to, or undefined when the filter is not one of its four (§5 item 5). */
export function classifySubscription(filter: string, id: TopicIdentity): SubscriptionKind | undefined {
  if (filter === TWIN_RESPONSE_FILTER) return 'twinResponses';
  if (filter === DESIRED_PATCH_FILTER) return 'desired';
  if (filter === METHOD_REQUEST_FILTER) return 'methods';
  if (filter === c2dFilter(id)) return 'c2d';
  return undefined;
}

/** A device's application and system properties (`$.mid`, `$.ct`, …), decoded. */
export interface PropertyBag {
  systemProperties: Record<string, string>;
  properties: Record<string, string>;
}

/** A PUBLISH a device may send, classified; `rid` is echoed exactly as received. */
export type DevicePublish =
  | { kind: 'twinGet'; rid: string | undefined }
  | { kind: 'reportedPatch'; rid: string | undefined }
  | { kind: 'methodResponse'; status: number; rid: string | undefined }
  /**
   * `bag` is the property bag exactly as it follows `…/messages/events/` ('' when there is none),
   * not yet parsed: telemetry is stored with it raw and parsed by {@link parsePropertyBag} when read.
   */
  | { kind: 'telemetry'; bag: string };

const TWIN_GET = '$iothub/twin/GET';
const REPORTED_PATCH = '$iothub/twin/PATCH/properties/reported';
const METHOD_RESPONSE = /^\$iothub\/methods\/res\/(-?\d{1,9})$/;

/**
 * Classifies a PUBLISH topic of identity `id`; undefined when the identity may not publish there
 * (another device's topic, a hub-to-device topic, anything unknown).
 */
export function parseDevicePublish(topic: string, id: TopicIdentity): DevicePublish | undefined {
  if (topic.startsWith('$iothub/')) return parseIotHubTopic(topic);
  // Compared in place rather than against a built `devices/{d}/…/messages/events` string: this
  // runs for every telemetry message.
  const end = telemetryBaseEnd(topic, id);
  if (end === -1) return undefined;
  if (topic.length === end) return { kind: 'telemetry', bag: '' };
  if (topic.charCodeAt(end) !== SLASH) return undefined;
  return { kind: 'telemetry', bag: topic.slice(end + 1) };
}

const SLASH = 0x2f;
const DEVICES = 'devices/';
const MODULES = '/modules/';
const EVENTS = '/messages/events';

/** Where `devices/{d}[/modules/{m}]/messages/events` of `id` ends in `topic`, or -1 when it does not start so. */
function telemetryBaseEnd(topic: string, id: TopicIdentity): number {
  if (!topic.startsWith(DEVICES) || !topic.startsWith(id.deviceId, DEVICES.length)) return -1;
  let at = DEVICES.length + id.deviceId.length;
  if (id.moduleId !== undefined) {
    if (!topic.startsWith(MODULES, at) || !topic.startsWith(id.moduleId, at + MODULES.length)) return -1;
    at += MODULES.length + id.moduleId.length;
  }
  return topic.startsWith(EVENTS, at) ? at + EVENTS.length : -1;
}

function parseIotHubTopic(topic: string): DevicePublish | undefined {
  const q = topic.indexOf('?');
  // The SDK writes a `/` before `?`; IoT Hub accepts it without one too (§2.7), so both parse.
  let path = q === -1 ? topic : topic.slice(0, q);
  if (path.endsWith('/')) path = path.slice(0, -1);
  const rid = q === -1 ? undefined : queryValue(topic.slice(q + 1), '$rid');
  if (path === TWIN_GET) return { kind: 'twinGet', rid };
  if (path === REPORTED_PATCH) return { kind: 'reportedPatch', rid };
  const method = METHOD_RESPONSE.exec(path);
  if (method) return { kind: 'methodResponse', status: Number(method[1]), rid };
  return undefined;
}

/** The raw (undecoded) value of `key` in a `k=v&k=v` query, so that a `$rid` is echoed byte for byte. */
function queryValue(query: string, key: string): string | undefined {
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq) === key) return part.slice(eq + 1);
  }
  return undefined;
}

/**
 * Parses a telemetry property bag as device-protocol.md §2.2 says: strip one trailing `/` (module
 * outputs end in one, pitfall 11), split on `&`, split each piece at its first `=`, percent-decode
 * both halves; keys starting `$.` are system properties. Text that is not valid percent-encoding
 * is kept as sent rather than refused: the message itself is still worth keeping.
 */
export function parsePropertyBag(bag: string): PropertyBag {
  const result: PropertyBag = { systemProperties: {}, properties: {} };
  let end = bag.length;
  if (end > 0 && bag.charCodeAt(end - 1) === SLASH) end--;
  // Many bags hold no escapes at all: then no piece needs decoding.
  const escaped = bag.indexOf('%') !== -1;
  const text = bag;
  let at = 0;
  // The next `=` at or after `at` (-1: none left): found once each, so a bag of many bare keys
  // stays linear rather than rescanning to its end per piece.
  let nextEq = text.indexOf('=');
  while (at < end) {
    let amp = text.indexOf('&', at);
    if (amp === -1 || amp > end) amp = end;
    if (amp > at) {
      if (nextEq !== -1 && nextEq < at) nextEq = text.indexOf('=', at);
      const eq = nextEq !== -1 && nextEq < amp ? nextEq : -1;
      let key = text.slice(at, eq === -1 ? amp : eq);
      let value = eq === -1 ? '' : text.slice(eq + 1, amp);
      if (escaped) {
        key = decode(key);
        value = decode(value);
      }
      const target = key.startsWith('$.') ? result.systemProperties : result.properties;
      // A key named `__proto__` must become a property, not replace the prototype.
      if (key === '__proto__') {
        Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        target[key] = value;
      }
    }
    at = amp + 1;
  }
  return result;
}

/**
 * `bag` with `key=value` added last, so that {@link parsePropertyBag} gives what parsing `bag` and
 * then setting `key` (overriding the device's own) would; `key` and `value` must need no escaping.
 */
export function appendToPropertyBag(bag: string, key: string, value: string): string {
  const text = bag.endsWith('/') ? bag.slice(0, -1) : bag;
  return text === '' ? `${key}=${value}` : `${text}&${key}=${value}`;
}

function decode(text: string): string {
  if (text.indexOf('%') === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Encodes properties for a C2D topic (§2.3): every key and value percent-encoded (a raw `/` would
 * move the segment boundary, a second `=` is lost by the SDK) and always written `key=value`
 * (a bare key becomes the string "undefined" in the SDK, pitfall 10).
 */
export function encodePropertyBag(properties: Readonly<Record<string, string>>): string {
  return Object.entries(properties)
    .map(([key, value]) => `${encodeBagPart(key)}=${encodeBagPart(value)}`)
    .join('&');
}

// Lone UTF-16 surrogates cannot be percent-encoded (encodeURIComponent throws); they become U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function encodeBagPart(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
}

/** `$iothub/twin/res/{status}/?$rid={rid}[&$version={n}]` (§2.4, §2.5). */
export function twinResponseTopic(status: number, rid: string, version?: number): string {
  return `$iothub/twin/res/${status}/?$rid=${rid}${version === undefined ? '' : `&$version=${version}`}`;
}

/** `$iothub/twin/PATCH/properties/desired/?$version={n}` (§2.6). */
export function desiredPatchTopic(version: number): string {
  return `$iothub/twin/PATCH/properties/desired/?$version=${version}`;
}

/** `$iothub/methods/POST/{name}/?$rid={rid}` (§2.7); the method name must have passed validation. */
export function methodRequestTopic(methodName: string, rid: string): string {
  return `$iothub/methods/POST/${methodName}/?$rid=${rid}`;
}

/** `devices/{d}/messages/devicebound/{bag}` (§2.3). */
export function c2dTopic(deviceId: string, properties: Readonly<Record<string, string>>): string {
  return `devices/${deviceId}/messages/devicebound/${encodePropertyBag(properties)}`;
}
