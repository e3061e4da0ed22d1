/** A minimal client of the hub's IoT Hub REST API, signed with a shared access policy (service-api.md §1). */
import https from 'node:https';
import { createSasToken } from '@outpost/core';

/** Where the REST API is and how to sign for it. */
export interface HubRestOptions {
  /** `https://host:port` of the hub's service API. */
  baseUrl: string;
  /** The hub name tokens are signed for (`sr`). */
  hostName: string;
  /** A policy with RegistryWrite (and RegistryRead), e.g. iothubowner. */
  policyName: string;
  key: string;
  /** The hub CA (PEM); default Node's roots. */
  ca?: string | Buffer;
}

/** A REST answer: the status and the parsed JSON body (undefined when empty or not JSON). */
export interface RestResponse {
  status: number;
  body: unknown;
}

/** Calls the REST API; keeps connections alive for bulk provisioning. */
export interface HubRestClient {
  request(method: string, path: string, body?: unknown): Promise<RestResponse>;
  close(): void;
}

const API_VERSION = '2021-04-12';
const TOKEN_SECONDS = 3600;

/** Creates the client; tokens are re-minted before they expire. */
export function createHubRestClient(options: HubRestOptions): HubRestClient {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16 });
  let token = '';
  let tokenExpiresAt = 0;
  const authorization = () => {
    const now = Math.floor(Date.now() / 1000);
    if (tokenExpiresAt - now < 300) {
      tokenExpiresAt = now + TOKEN_SECONDS;
      // The service SDK signs the raw host name as `sr` (service-api.md §1.3).
      token = createSasToken({
        resourceUri: options.hostName,
        key: options.key,
        policyName: options.policyName,
        expiresAt: tokenExpiresAt,
      });
    }
    return token;
  };
  return {
    request(method, path, body) {
      const url = `${options.baseUrl.replace(/\/$/, '')}${path}${path.includes('?') ? '&' : '?'}api-version=${API_VERSION}`;
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = {
        authorization: authorization(),
        'user-agent': 'outpost-simulator/0.1.0',
      };
      if (payload) {
        headers['content-type'] = 'application/json; charset=utf-8';
        headers['content-length'] = String(payload.length);
      }
      return new Promise((resolve, reject) => {
        const req = https.request(
          url,
          { method, headers, agent, ...(options.ca ? { ca: options.ca } : {}) },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown;
              try {
                parsed = text ? JSON.parse(text) : undefined;
              } catch {
                parsed = undefined;
              }
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** The `Message` of a classic IoT Hub error body, for error messages (service-api.md §1.7). */
export function describeRestError(response: RestResponse): string {
  const body = response.body as { Message?: unknown } | undefined;
  return `HTTP ${response.status}${typeof body?.Message === 'string' ? `: ${body.Message}` : ''}`;
}
