import { HubError } from '../errors';

/** Splits `Key=value;Key=value` as the SDKs do: on `;`, then each part on its first `=`; keys are case-sensitive. */
export function parseConnectionString(connectionString: string): Record<string, string> {
  const fields: Record<string, string> = {};
  connectionString.split(';').forEach((part, index) => {
    // A trailing `;` (common when strings are pasted) leaves an empty part, which the SDKs skip too.
    if (part.trim() === '') return;
    const eq = part.indexOf('=');
    // Never echo the part: it may be the SharedAccessKey.
    if (eq <= 0)
      throw new HubError('INVALID_ARGUMENT', `Connection string part ${index + 1} is not Key=value.`);
    fields[part.slice(0, eq)] = part.slice(eq + 1);
  });
  return fields;
}

/** Input of {@link buildServiceConnectionString}. */
export interface ServiceConnectionStringParts {
  /** The hub host name the back end dials and signs (`sr`). */
  hostName: string;
  /** The shared access policy name. */
  policyName: string;
  /** The policy's base64 key. */
  key: string;
}

/** `HostName=…;SharedAccessKeyName=…;SharedAccessKey=…`, the string azure-iothub's `fromConnectionString` reads. */
export function buildServiceConnectionString(parts: ServiceConnectionStringParts): string {
  return join([
    ['HostName', parts.hostName],
    ['SharedAccessKeyName', parts.policyName],
    ['SharedAccessKey', parts.key],
  ]);
}

/** Input of {@link buildDeviceConnectionString}. */
export interface DeviceConnectionStringParts {
  /** The hub name the device signs and puts in its MQTT username. */
  hostName: string;
  /** The device id. */
  deviceId: string;
  /** The module id, for a module identity. */
  moduleId?: string;
  /** The device's base64 key. */
  key: string;
  /** Where to dial when that differs from hostName (device-protocol.md §1.2); honoured for SAS keys only. */
  gatewayHostName?: string;
}

/** `HostName=…;DeviceId=…[;ModuleId=…];SharedAccessKey=…[;GatewayHostName=…]` for azure-iot-device. */
export function buildDeviceConnectionString(parts: DeviceConnectionStringParts): string {
  const fields: [string, string][] = [
    ['HostName', parts.hostName],
    ['DeviceId', parts.deviceId],
  ];
  if (parts.moduleId !== undefined) fields.push(['ModuleId', parts.moduleId]);
  fields.push(['SharedAccessKey', parts.key]);
  if (parts.gatewayHostName !== undefined) fields.push(['GatewayHostName', parts.gatewayHostName]);
  return join(fields);
}

function join(fields: [string, string][]): string {
  for (const [name, value] of fields) {
    // A `;` cannot be escaped in this format, so such a value would silently split into two fields.
    if (value.includes(';')) throw new HubError('INVALID_ARGUMENT', `${name} must not contain a semicolon.`);
  }
  return fields.map(([name, value]) => `${name}=${value}`).join(';');
}
