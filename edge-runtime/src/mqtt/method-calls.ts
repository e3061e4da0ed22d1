/**
 * Direct-method requests in flight (device-protocol.md §2.7): sent at QoS 0 with a JSON body
 * (`null` when there is no payload: the SDK answers an empty body with 400 by itself), correlated
 * by `$rid` within the identity that was asked, and failed with GATEWAY_TIMEOUT when no answer
 * comes. An unknown method gets no answer at all from the SDK, so the timeout is the only end.
 */
import { HubError, type MethodRequest, type MethodResponse, methodRequestTopic } from '@outpost/core';
import type { Client } from 'aedes';
import { sendToClient } from './broker';
import type { GatewayStats } from './stats';

/** Pending direct-method calls. */
export interface MethodCalls {
  /** Sends the request to `client` and resolves with the device's answer. */
  invoke(client: Client, identity: string, request: MethodRequest): Promise<MethodResponse>;
  /** Settles the call `rid` of `identity` with the device's answer; unknown rids are ignored. */
  answer(identity: string, rid: string, status: number, body: Buffer): void;
  /** Fails every pending call (the hub is stopping). */
  failAll(err: HubError): void;
}

interface Pending {
  resolve(response: MethodResponse): void;
  reject(err: HubError): void;
  timer: NodeJS.Timeout;
}

/** Creates the pending-call table. */
export function createMethodCalls(stats: GatewayStats): MethodCalls {
  const pending = new Map<string, Pending>();
  let nextRid = 1;
  // Keyed by identity as well, so that a device can never answer a call made to another one.
  const keyOf = (identity: string, rid: string) => `${identity}\n${rid}`;

  return {
    invoke(client, identity, request) {
      const rid = (nextRid++).toString(16);
      const key = keyOf(identity, rid);
      return new Promise<MethodResponse>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(key);
          stats.methodsTimedOut++;
          reject(
            new HubError(
              'GATEWAY_TIMEOUT',
              `Device ${identity} did not answer method ${request.methodName} within ${request.timeoutMs / 1000} s.`,
            ),
          );
        }, request.timeoutMs);
        pending.set(key, { resolve, reject, timer });
        stats.methodsInvoked++;
        void sendToClient(
          client,
          methodRequestTopic(request.methodName, rid),
          JSON.stringify(request.payload ?? null),
        );
      });
    },

    answer(identity, rid, status, body) {
      const key = keyOf(identity, rid);
      const call = pending.get(key);
      if (!call) return;
      pending.delete(key);
      clearTimeout(call.timer);
      call.resolve({ status, payload: parseAnswer(body) });
    },

    failAll(err) {
      for (const call of pending.values()) {
        clearTimeout(call.timer);
        call.reject(err);
      }
      pending.clear();
    },
  };
}

/** The device's answer body: empty when the app passed no payload (→ null), JSON otherwise (§2.7). */
function parseAnswer(body: Buffer): unknown {
  if (body.length === 0) return null;
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (a non-SDK client): hand the text over rather than losing the answer.
    return text;
  }
}
