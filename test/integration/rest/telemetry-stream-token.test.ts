import https from 'node:https';
import type { TelemetryMessage } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStreamParser, type StreamEvent } from '../../../edge-runtime/src/cli/event-stream-parser';
import { loginAs, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

// The operator UI reads telemetry with a browser EventSource, which cannot send an Authorization
// header: the stream takes the operator token as ?access_token= like the change feed's stream.

let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startTestHub();
  token = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
});
afterAll(() => hub.close());

function open(
  query: string,
): Promise<{ status: number; events: StreamEvent[]; ended: () => boolean; close(): void }> {
  return new Promise((resolve, reject) => {
    const events: StreamEvent[] = [];
    const req = https.get(
      `${hub.runtime.urls.https}/api/v1/telemetry/stream${query}`,
      { ca: hub.ca, agent: false },
      (res) => {
        const feed = createEventStreamParser((event) => events.push(event));
        res.setEncoding('utf8');
        res.on('data', (text: string) => feed(text));
        res.on('error', () => undefined);
        let ended = false;
        res.on('end', () => {
          ended = true;
        });
        resolve({ status: res.statusCode ?? 0, events, ended: () => ended, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
  });
}

function message(deviceId: string, n: number): TelemetryMessage {
  return {
    deviceId,
    enqueuedTime: new Date().toISOString(),
    systemProperties: {},
    properties: {},
    body: Buffer.from(JSON.stringify({ n })),
  };
}

describe('telemetry stream with ?access_token (EventSource)', () => {
  it('ends when the operator signs out: a leaked stream URL does not stream on', async () => {
    const own = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
    const stream = await open(`?access_token=${encodeURIComponent(own)}`);
    try {
      expect(stream.status).toBe(200);
      await hub.runtime.telemetry.appendWithSeq(message('out-a', 1));
      await expect.poll(() => stream.events.length, { timeout: 5000 }).toBe(1);
      await hub.runtime.hub.logins.logout(own);
      await hub.runtime.telemetry.appendWithSeq(message('out-a', 2));
      await expect.poll(() => stream.ended(), { timeout: 5000 }).toBe(true);
      expect(stream.events).toHaveLength(1);
    } finally {
      stream.close();
    }
  });

  it('streams one device to an operator token given in the URL', async () => {
    const stream = await open(`?deviceId=tok-a&access_token=${encodeURIComponent(token)}`);
    try {
      expect(stream.status).toBe(200);
      await hub.runtime.telemetry.appendWithSeq(message('tok-b', 1));
      await hub.runtime.telemetry.appendWithSeq(message('tok-a', 2));
      await expect.poll(() => stream.events.length, { timeout: 5000 }).toBe(1);
      expect(JSON.parse(stream.events[0]!.data)).toMatchObject({ deviceId: 'tok-a', body: '{"n":2}' });
    } finally {
      stream.close();
    }
  });

  it('refuses a missing or unknown token with 401', async () => {
    const none = await open('');
    none.close();
    expect(none.status).toBe(401);
    const bad = await open('?access_token=not-a-token');
    bad.close();
    expect(bad.status).toBe(401);
  });
});
