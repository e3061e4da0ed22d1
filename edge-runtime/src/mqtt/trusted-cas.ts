/**
 * The CAs whose certificates authenticate `certificateAuthority` devices (device-protocol.md §1.6):
 * the hub's own CA, plus every `*.pem` file in `DATA_DIR/tls/trusted-device-cas/` (each may hold
 * several certificates). The directory is read at start: restart the hub after adding a CA.
 */
import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@outpost/core';

/** The folder, under the hub's TLS directory, holding extra device CAs. */
export const TRUSTED_DEVICE_CAS_DIR = 'trusted-device-cas';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads the extra device CAs of `tlsDir`; unreadable or invalid files are logged and skipped. */
export async function loadTrustedDeviceCas(tlsDir: string, logger: Logger): Promise<string[]> {
  const dir = path.join(tlsDir, TRUSTED_DEVICE_CAS_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.pem')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const cas: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const blocks = (await readFile(file, 'utf8')).match(PEM_BLOCK) ?? [];
      if (blocks.length === 0) throw new Error('no PEM certificate in the file');
      for (const pem of blocks) {
        // A leaf put here by mistake is surely an error; refuse the file rather than guess.
        if (!new X509Certificate(pem).ca) throw new Error('it holds a certificate that is not a CA');
      }
      cas.push(...blocks);
    } catch (err) {
      logger.warn('ignoring a trusted device CA file', { file, error: String(err) });
    }
  }
  return cas;
}
