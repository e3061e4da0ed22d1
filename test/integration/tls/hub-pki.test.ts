import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureHubPki } from '../../../edge-runtime/src/tls';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outpost-pki-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Serves one request over real TLS and returns the client's outcome. */
async function fetchOver(
  pki: { certPem: string; keyPem: string },
  client: { ca?: string; servername: string; host?: string },
): Promise<string> {
  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve, reject) => {
      const req = https.request(
        {
          host: client.host ?? '127.0.0.1',
          port,
          path: '/',
          servername: client.servername,
          ca: client.ca,
          agent: false,
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function sanOf(certPem: string): string {
  return new X509Certificate(certPem).subjectAltName ?? '';
}

describe('ensureHubPki', () => {
  it('creates a CA and a server certificate that a real TLS client accepts with the CA', async () => {
    const pki = await ensureHubPki({ dir, hostName: 'hub.example', sans: [], bindAddress: '0.0.0.0' });
    expect(pki.created).toEqual({ ca: true, server: true });
    expect(pki.caPath).toBe(join(dir, 'ca.pem'));
    expect(await readFile(pki.caPath, 'utf8')).toBe(pki.caPem);

    expect(await fetchOver(pki, { ca: pki.caPem, servername: 'localhost' })).toBe('ok');
    // The IP SAN is used when the client dials an address (no SNI for IPs).
    expect(await fetchOver(pki, { ca: pki.caPem, servername: '' })).toBe('ok');
    await expect(fetchOver(pki, { servername: 'localhost' })).rejects.toThrow(
      /self[- ]signed|unable to verify/i,
    );
    await expect(fetchOver(pki, { ca: pki.caPem, servername: 'other.example' })).rejects.toThrow(
      /altnames|does not match/i,
    );
  });

  it('builds a CA and a server leaf with the expected shape and file modes', async () => {
    const pki = await ensureHubPki({
      dir,
      hostName: 'hub.example',
      sans: ['10.1.2.3', 'alias.example'],
      bindAddress: '192.168.7.7',
    });
    const ca = new X509Certificate(pki.caPem);
    const leaf = new X509Certificate(pki.certPem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain('CN=Outpost hub.example CA');
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(9.9 * 365 * 86_400_000);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    const lifetimeDays = (Date.parse(leaf.validTo) - Date.now()) / 86_400_000;
    expect(lifetimeDays).toBeGreaterThan(700);
    expect(lifetimeDays).toBeLessThan(830);
    const sans = sanOf(pki.certPem);
    for (const san of [
      'DNS:hub.example',
      'DNS:localhost',
      'IP Address:192.168.7.7',
      'IP Address:127.0.0.1',
      'DNS:alias.example',
      'IP Address:10.1.2.3',
    ]) {
      expect(sans).toContain(san);
    }
    expect(sans).toMatch(/IP Address:(0:0:0:0:0:0:0:1|::1)/);
    expect(sans).not.toContain('0.0.0.0');
    for (const file of ['ca-key.pem', 'server-key.pem']) {
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
    }
  });

  it('reuses the CA and the server certificate on a later call', async () => {
    const first = await ensureHubPki({ dir, hostName: 'hub.example', sans: ['10.0.0.5'] });
    const second = await ensureHubPki({ dir, hostName: 'HUB.example', sans: ['10.0.0.5', '::1'] });
    expect(second.created).toEqual({ ca: false, server: false });
    expect(second.caPem).toBe(first.caPem);
    expect(second.certPem).toBe(first.certPem);
    expect(second.keyPem).toBe(first.keyPem);
  });

  it('re-issues the leaf, keeping the CA, when a SAN is added', async () => {
    const first = await ensureHubPki({ dir, hostName: 'hub.example', sans: [] });
    const second = await ensureHubPki({ dir, hostName: 'hub.example', sans: ['new-alias.example'] });
    expect(second.created).toEqual({ ca: false, server: true });
    expect(second.caPem).toBe(first.caPem);
    expect(second.certPem).not.toBe(first.certPem);
    expect(sanOf(second.certPem)).toContain('DNS:new-alias.example');
    expect(await fetchOver(second, { ca: first.caPem, servername: 'new-alias.example' })).toBe('ok');
  });

  it('re-issues the leaf when it nears expiry', async () => {
    const first = await ensureHubPki({ dir, hostName: 'hub.example', sans: [] });
    const nearExpiry = Date.parse(new X509Certificate(first.certPem).validTo) - 10 * 86_400_000;
    const second = await ensureHubPki({ dir, hostName: 'hub.example', sans: [], now: nearExpiry });
    expect(second.created).toEqual({ ca: false, server: true });
    expect(second.caPem).toBe(first.caPem);
  });

  it('repairs a server key that does not match its certificate', async () => {
    const first = await ensureHubPki({ dir, hostName: 'hub.example', sans: [] });
    await rm(join(dir, 'server-key.pem'));
    const second = await ensureHubPki({ dir, hostName: 'hub.example', sans: [] });
    expect(second.created).toEqual({ ca: false, server: true });
    expect(second.caPem).toBe(first.caPem);
    expect(await fetchOver(second, { ca: first.caPem, servername: 'localhost' })).toBe('ok');
  });

  it('refuses to re-issue without the CA key instead of silently replacing the CA', async () => {
    await ensureHubPki({ dir, hostName: 'hub.example', sans: [] });
    await rm(join(dir, 'ca-key.pem'));
    // Nothing to re-issue: the existing material is still served.
    await expect(ensureHubPki({ dir, hostName: 'hub.example', sans: [] })).resolves.toBeDefined();
    await expect(ensureHubPki({ dir, hostName: 'hub.example', sans: ['x.example'] })).rejects.toThrow(
      /ca-key\.pem/,
    );
  });
});
