import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { chainsToCa } from './certificate-trust';
import type { DialogPort } from './electron-ports';
import { type DesktopSettings, type ModeChoice, writeSettings } from './settings';

/** A gateway's hub the window may open: its URL and the CA its certificate must chain to. */
export interface RemoteHub {
  /** The gateway's origin and `/`, e.g. `https://gateway.site.lan:8443/`. */
  hubUrl: string;
  /** The host part of the URL (no brackets, no port). */
  hostname: string;
  caPem: string;
}

/** A gateway that is refused (its certificate does not chain to the pinned CA) or cannot be reached. */
export class GatewayError extends Error {
  constructor(
    readonly kind: 'untrusted' | 'unreachable',
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** What the user sees of a CA before pinning it. */
export interface CaSummary {
  subject: string;
  /** SHA-256 of the DER certificate, colon-separated hex as browsers show it. */
  fingerprint256: string;
  validTo: string;
}

// TLS errors that mean "not signed by the CA we trust" (OpenSSL's verify codes, as Node names them).
const CHAIN_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** The gateway URL reduced to its origin and `/`; only https, without credentials. */
export function parseGatewayUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`The gateway URL "${text}" is not a URL; expected e.g. https://gateway.site.lan:8443/`);
  }
  if (url.protocol !== 'https:') throw new Error(`The gateway URL ${text} must use https.`);
  if (url.username || url.password)
    throw new Error('The gateway URL must not carry a user name or password.');
  return new URL(`${url.origin}/`);
}

/** The host of a URL as TLS and Chromium name it: brackets of an IPv6 address removed. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Reads a CA certificate for the user to confirm; an error when it is not a CA certificate. */
export function describeCa(caPem: string): CaSummary {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(caPem);
  } catch {
    throw new Error("The file is not a PEM certificate (expected the gateway's ca.pem).");
  }
  if (!cert.ca) throw new Error(`${cert.subject.replaceAll('\n', ', ')} is not a CA certificate.`);
  return {
    subject: cert.subject.replaceAll('\n', ', '),
    fingerprint256: cert.fingerprint256,
    validTo: cert.validTo,
  };
}

function pemOf(raw: Buffer): string {
  return new X509Certificate(raw).toString();
}

function peerChain(socket: tls.TLSSocket): { leaf: string; intermediates: string[]; fingerprint256: string } {
  const peer = socket.getPeerCertificate(true);
  const intermediates: string[] = [];
  let cursor = peer.issuerCertificate;
  const seen = new Set([peer.fingerprint256]);
  while (cursor && !seen.has(cursor.fingerprint256) && intermediates.length < 5) {
    seen.add(cursor.fingerprint256);
    intermediates.push(pemOf(cursor.raw));
    cursor = cursor.issuerCertificate;
  }
  return { leaf: pemOf(peer.raw), intermediates, fingerprint256: peer.fingerprint256 };
}

/** The error that says why a TLS connection to the gateway failed: untrusted, or unreachable. */
function tlsFailure(
  err: NodeJS.ErrnoException,
  origin: string,
  host: string,
  pinned: CaSummary,
): GatewayError {
  const code = err.code ?? 'ERROR';
  const refuse = (why: string) => new GatewayError('untrusted', `Refusing the gateway ${origin}: ${why}.`);
  if (CHAIN_ERRORS.has(code)) {
    const ca = `${pinned.subject} (SHA-256 ${pinned.fingerprint256.slice(0, 23)}…)`;
    return refuse(`its certificate does not chain to the pinned CA ${ca} (${code})`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return refuse(`its certificate is not for ${host}`);
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return refuse(`its certificate is outside its validity (${code})`);
  }
  return new GatewayError('unreachable', `Cannot reach the gateway ${origin}: ${err.message} (${code}).`);
}

/**
 * Connects to the gateway with the pinned CA as the only trust anchor, and checks the chain it
 * presents once more. Resolves with the server certificate's fingerprint; rejects with a
 * {@link GatewayError} that says whether the gateway is untrusted or unreachable.
 */
export function probeGateway(
  gatewayUrl: string,
  caPem: string,
  options: { timeoutMs?: number } = {},
): Promise<{ fingerprint256: string }> {
  const url = parseGatewayUrl(gatewayUrl);
  const host = hostOf(url);
  const origin = url.origin;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pinned = describeCa(caPem);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      ca: caPem,
      // SNI takes names only; an IP address there is a protocol error.
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1'],
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(
        new GatewayError('unreachable', `The gateway ${origin} did not answer within ${timeoutMs / 1000} s.`),
      );
    });
    socket.once('secureConnect', () => {
      const chain = peerChain(socket);
      socket.end();
      const check = chainsToCa(chain.leaf, chain.intermediates, caPem, { hostname: host });
      if (check.ok) resolve({ fingerprint256: chain.fingerprint256 });
      else reject(new GatewayError('untrusted', `Refusing the gateway ${origin}: ${check.reason}.`));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(tlsFailure(err, origin, host, pinned));
    });
  });
}

/**
 * Asks the user for the gateway's CA (a PEM file) and to confirm its fingerprint. Resolves with
 * the PEM, or undefined when the user cancels.
 */
export async function askForGatewayCa(dialog: DialogPort, gatewayUrl: string): Promise<string | undefined> {
  const intro = await dialog.showMessageBox({
    type: 'question',
    title: 'Trust the gateway',
    message: `Outpost needs the CA certificate of ${gatewayUrl}`,
    detail:
      "It is ca.pem in the gateway's data folder (DATA_DIR/tls/ca.pem). Outpost opens the gateway only " +
      'when its certificate chains to this CA.',
    buttons: ['Choose ca.pem…', 'Cancel'],
    defaultId: 0,
    cancelId: 1,
  });
  if (intro.response !== 0) return undefined;
  const picked = await dialog.showOpenDialog(undefined, {
    title: "The gateway's CA certificate",
    properties: ['openFile'],
    filters: [{ name: 'PEM certificate', extensions: ['pem', 'crt', 'cer'] }],
  });
  const file = picked.filePaths[0];
  if (picked.canceled || !file) return undefined;
  const caPem = await readFile(file, 'utf8');
  const summary = describeCa(caPem);
  const confirm = await dialog.showMessageBox({
    type: 'warning',
    title: 'Trust this CA?',
    message: `Trust ${summary.subject} for ${gatewayUrl}?`,
    detail: `SHA-256 fingerprint:\n${summary.fingerprint256}\nValid until ${summary.validTo}.\n\nCompare the fingerprint with the one on the gateway (openssl x509 -noout -fingerprint -sha256 -in ca.pem).`,
    buttons: ['Trust this CA', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
  });
  return confirm.response === 0 ? caPem : undefined;
}

/**
 * Remote mode: pins the gateway's CA (asking the user when none is known yet), checks the gateway
 * against it, and remembers a newly accepted CA in the settings. Undefined when the user cancels.
 * The gateway and its CA are remembered, but the settings' mode only changes when remote mode
 * came from the settings: a gateway given by OUTPOST_REMOTE_URL is for that launch, and a later
 * one without the variable still embeds its hub (unless the settings say otherwise).
 */
export async function connectRemoteHub(deps: {
  choice: Extract<ModeChoice, { mode: 'remote' }>;
  settings: DesktopSettings;
  userDataDir: string;
  dialog: DialogPort;
  timeoutMs?: number;
}): Promise<RemoteHub | undefined> {
  const url = parseGatewayUrl(deps.choice.gatewayUrl);
  let caPem = deps.choice.caPem;
  const accepted = !caPem;
  caPem ??= await askForGatewayCa(deps.dialog, url.href);
  if (!caPem) return undefined;
  await probeGateway(url.href, caPem, deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs });
  if (accepted) {
    // The settings' mode is kept as it is: 'remote' already when they chose remote mode.
    const mode = deps.choice.from === 'settings' ? { mode: 'remote' as const } : {};
    await writeSettings(deps.userDataDir, { ...deps.settings, ...mode, gatewayUrl: url.href, caPem });
  }
  return { hubUrl: url.href, hostname: hostOf(url), caPem };
}
