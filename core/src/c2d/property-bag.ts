// Lone UTF-16 surrogates cannot be percent-encoded (encodeURIComponent throws); they become U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One key or value of a C2D property bag, percent-encoded. */
function encodePart(text: string): string {
  // encodeURIComponent escapes `/` (which would move the topic's segment boundary), `=` and `&`
  // (which would split a pair), `+` and `#` (MQTT wildcards) and `$` (`%24.mid`, as IoT Hub sends it).
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
}

/**
 * The property bag of a C2D topic, `devices/{d}/messages/devicebound/{bag}` (device-protocol.md §2.3):
 * every key and every value percent-encoded, always written as `key=value` (a bare key reaches the
 * SDK as the string "undefined"), pairs joined by `&`, in the order given. Empty for no properties.
 */
export function encodeC2dPropertyBag(properties: Readonly<Record<string, string>>): string {
  return Object.entries(properties)
    .map(([key, value]) => `${encodePart(key)}=${encodePart(value)}`)
    .join('&');
}
