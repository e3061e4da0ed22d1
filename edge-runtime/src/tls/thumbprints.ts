import { createHash, X509Certificate } from 'node:crypto';

/** A certificate's SHA-1 and SHA-256 thumbprints, as IoT Hub registers them for X.509 devices. */
export interface CertificateThumbprints {
  /** Uppercase hex SHA-1 of the DER encoding, no separators. */
  thumbprintSha1: string;
  /** Uppercase hex SHA-256 of the DER encoding, no separators. */
  thumbprintSha256: string;
}

/** Thumbprints of a PEM certificate (the first one, if the PEM holds a chain). */
export function certificateThumbprints(certPem: string): CertificateThumbprints {
  const der = new X509Certificate(certPem).raw;
  return {
    thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
  };
}
