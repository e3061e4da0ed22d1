import type { TLSSocket } from 'node:tls';

/** How a device reached the gateway. */
export type TransportKind = 'mqtts' | 'wss' | 'tcp';

/** The TLS client certificate a device presented (device-protocol.md §1.6). */
export interface PeerCertificate {
  /** The leaf certificate, DER: its SHA-1 / SHA-256 are the thumbprints. */
  der: Buffer;
  /** The subject CN; a CA-signed device's CN must be its device id. */
  commonName: string | undefined;
  /** True when the chain verified against a CA the hub trusts for devices. */
  chainVerified: boolean;
  /** Validity, in ms since the Unix epoch. */
  validFrom: number;
  validTo: number;
}

/** What the gateway knows of a connection before its CONNECT. */
export interface Transport {
  kind: TransportKind;
  peer?: PeerCertificate;
}

// Keyed by the stream handed to aedes (the client's `conn`), so nothing is attached to aedes objects.
const transports = new WeakMap<object, Transport>();

/** Records how a connection arrived; call before handing it to the broker. */
export function tagConnection(conn: object, transport: Transport): void {
  transports.set(conn, transport);
}

/** How a connection arrived (plain TCP when it was never tagged). */
export function transportOf(conn: object): Transport {
  return transports.get(conn) ?? { kind: 'tcp' };
}

/** The client certificate of a TLS socket, if one was presented. */
export function peerCertificateOf(socket: TLSSocket): PeerCertificate | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert?.raw) return undefined;
  const cn = cert.subject?.CN;
  return {
    der: cert.raw,
    commonName: Array.isArray(cn) ? cn[0] : cn,
    chainVerified: socket.authorized,
    validFrom: Date.parse(cert.valid_from),
    validTo: Date.parse(cert.valid_to),
  };
}
