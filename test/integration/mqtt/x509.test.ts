import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueClientCertificate, selfSignedCertificate } from '../../../edge-runtime/src/tls';
import { buildCertificate, createRsaKeyPair } from '../../../edge-runtime/src/tls/certificate-builder';
import { connackCode, connectDevice } from '../../helpers/mqtt-device';
import { type MqttTestHub, startMqttTestHub } from './mqtt-hub';

let hub: MqttTestHub;
let hubCaKey: string;
let siteCa: { certPem: string; keyPem: string };

/** A CA that the hub does not trust until its PEM is put into `tls/trusted-device-cas/`. */
function createCa(name: string) {
  const keys = createRsaKeyPair();
  const now = Date.now();
  const certPem = buildCertificate({
    commonName: name,
    publicKeyPem: keys.publicKeyPem,
    signingKeyPem: keys.privateKeyPem,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { certPem, keyPem: keys.privateKeyPem };
}

beforeAll(async () => {
  hub = await startMqttTestHub();
  hubCaKey = await readFile(path.join(hub.dataDir, 'tls', 'ca-key.pem'), 'utf8');
  siteCa = createCa('Site device CA');
});
afterAll(() => hub.close());

const register = async (deviceId: string, authentication: unknown) => {
  const res = await hub.call('PUT', `/devices/${deviceId}`, { deviceId, authentication });
  expect(res.status).toBe(200);
};

const attempt = (deviceId: string, cert: { certPem: string; keyPem: string }) =>
  connackCode({ url: hub.runtime.urls.mqtts, ca: hub.ca, deviceId, cert: cert.certPem, key: cert.keyPem });

describe('X.509 devices', () => {
  it('connects a self-signed device by its SHA-1 or SHA-256 thumbprint; another certificate is refused', async () => {
    const cert = selfSignedCertificate({ commonName: 'x-self' });
    await register('x-self', {
      type: 'selfSigned',
      x509Thumbprint: { primaryThumbprint: cert.thumbprintSha1 },
    });
    expect(await attempt('x-self', cert)).toBe(0);

    const cert256 = selfSignedCertificate({ commonName: 'x-self256' });
    await register('x-self256', {
      type: 'selfSigned',
      x509Thumbprint: { primaryThumbprint: 'AA'.repeat(20), secondaryThumbprint: cert256.thumbprintSha256 },
    });
    expect(await attempt('x-self256', cert256)).toBe(0);

    expect(await attempt('x-self', selfSignedCertificate({ commonName: 'x-self' }))).toBe(5);
  });

  it('connects a CA-signed device whose CN is its id, with a certificate from the hub CA', async () => {
    await register('x-ca', { type: 'certificateAuthority' });
    const cert = issueClientCertificate({ caPem: hub.ca, caKeyPem: hubCaKey, commonName: 'x-ca' });
    const device = await connectDevice({
      url: hub.runtime.urls.mqtts,
      ca: hub.ca,
      deviceId: 'x-ca',
      cert: cert.certPem,
      key: cert.keyPem,
    });
    try {
      await device.subscribe('$iothub/twin/res/#');
      expect((await device.getTwin()).status).toBe(200);
    } finally {
      await device.close();
    }
    const otherCn = issueClientCertificate({ caPem: hub.ca, caKeyPem: hubCaKey, commonName: 'someone-else' });
    expect(await attempt('x-ca', otherCn)).toBe(5);
  });

  it('refuses a certificate of an untrusted CA, and accepts it once the CA is in trusted-device-cas/', async () => {
    await register('x-site', { type: 'certificateAuthority' });
    const cert = issueClientCertificate({
      caPem: siteCa.certPem,
      caKeyPem: siteCa.keyPem,
      commonName: 'x-site',
    });
    expect(await attempt('x-site', cert)).toBe(5);

    const dir = path.join(hub.dataDir, 'tls', 'trusted-device-cas');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'site.pem'), siteCa.certPem);
    await hub.restart();
    expect(await attempt('x-site', cert)).toBe(0);
  });

  it('refuses a client certificate for a SAS device', async () => {
    await hub.createDevice('x-sas');
    expect(await attempt('x-sas', selfSignedCertificate({ commonName: 'x-sas' }))).toBe(5);
  });
});
