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
  | ({ kind: 'telemetry' } & PropertyBag);

const TWIN_GET = '$iothub/twin/GET';
const REPORTED_PATCH = '$iothub/twin/PATCH/properties/reported';
const METHOD_RESPONSE = /^\$iothub\/methods\/res\/(-?\d{1,9})$/;

/**
 * Classifies a PUBLISH topic of identity `id`; undefined when the identity may not publish there
 * (another device's topic, a hub-to-device topic, anything unknown).
 */
export function parseDevicePublish(topic: string, id: TopicIdentity): DevicePublish | undefined {
  if (topic.startsWith('$iothub/')) return parseIotHubTopic(topic);
  const base =
    id.moduleId === undefined
      ? `devices/${id.deviceId}/messages/events`
      : `devices/${id.deviceId}/modules/${id.moduleId}/messages/events`;
  if (topic === base) return { kind: 'telemetry', systemProperties: {}, properties: {} };
  if (!topic.startsWith(`${base}/`)) return undefined;
  return { kind: 'telemetry', ...parsePropertyBag(topic.slice(base.length + 1)) };
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
  const text = bag.endsWith('/') ? bag.slice(0, -1) : bag;
  if (text === '') return result;
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = decode(eq === -1 ? piece : piece.slice(0, eq));
    const value = eq === -1 ? '' : decode(piece.slice(eq + 1));
    const target = key.startsWith('$.') ? result.systemProperties : result.properties;
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

function decode(text: string): string {
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
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
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
