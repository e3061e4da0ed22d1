/** The MQTT CONNECT username of an IoT Hub device (device-protocol.md §1.3). */
export interface ParsedUsername {
  /** The HostName the device was given (the hub's name or an alias, or a cloud hub's name). */
  host: string;
  deviceId: string;
  moduleId?: string;
  /** The query after `/?`: api-version, DeviceClientType, model-id. */
  query: URLSearchParams;
}

/**
 * Parses `{host}/{device}[/{module}]/?{query}`: cut at the first `/?`, split the left part on `/`.
 * Undefined when it does not have that shape. Ids are not escaped (§1.3), so they are taken as is.
 */
export function parseUsername(username: string | undefined): ParsedUsername | undefined {
  if (!username) return undefined;
  const cut = username.indexOf('/?');
  // Some hand-written clients send `{host}/{device}` or `{host}/{device}/` with no query at all.
  const left = cut === -1 ? username.replace(/\/$/, '') : username.slice(0, cut);
  const query = new URLSearchParams(cut === -1 ? '' : username.slice(cut + 2));
  const parts = left.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) return undefined;
  const [host, deviceId, moduleId] = parts as [string, string, string | undefined];
  return moduleId === undefined ? { host, deviceId, query } : { host, deviceId, moduleId, query };
}
