/**
 * Cloud-to-device deliveries waiting for their PUBACK (device-protocol.md §2.3). MQTT 3.1.1
 * requires PUBACKs in the order of the PUBLISHes (§4.6 of the standard), and the hub sends nothing
 * else at QoS 1, so each PUBACK of a client settles its oldest pending delivery. Deliveries to one
 * client are written one after another so that the write order is the promise order.
 */
import { type C2dDelivery, c2dTopic, HubError } from '@outpost/core';
import type { Client } from 'aedes';
import { sendToClient } from './broker';

/** QoS 1 C2D publishes per client, settled by PUBACKs. */
export interface C2dDeliveries {
  /** Publishes at QoS 1; resolves on the PUBACK, rejects DEVICE_NOT_ONLINE if the connection ends first. */
  deliver(client: Client, message: C2dDelivery): Promise<void>;
  /** A PUBACK arrived from `client`. */
  acked(client: Client): void;
  /** The client's connection ended: its pending deliveries fail. */
  closed(client: Client): void;
}

interface Waiter {
  resolve(): void;
  reject(err: HubError): void;
}

/** Creates the delivery tracker. */
export function createC2dDeliveries(): C2dDeliveries {
  const waiting = new Map<Client, Waiter[]>();
  const writes = new Map<Client, Promise<void>>();

  return {
    deliver(client, message) {
      return new Promise<void>((resolve, reject) => {
        if (client.closed) {
          reject(new HubError('DEVICE_NOT_ONLINE', `Device ${message.deviceId} is not connected.`));
          return;
        }
        const queue = waiting.get(client) ?? [];
        waiting.set(client, queue);
        queue.push({ resolve, reject });
        const previous = writes.get(client) ?? Promise.resolve();
        const written = previous.then(() =>
          sendToClient(client, c2dTopic(message.deviceId, message.properties), message.body, 1),
        );
        writes.set(client, written);
        void written.then(() => {
          if (writes.get(client) === written) writes.delete(client);
        });
      });
    },
    acked(client) {
      const queue = waiting.get(client);
      const next = queue?.shift();
      if (queue && queue.length === 0) waiting.delete(client);
      next?.resolve();
    },
    closed(client) {
      const queue = waiting.get(client) ?? [];
      waiting.delete(client);
      writes.delete(client);
      for (const w of queue)
        w.reject(new HubError('DEVICE_NOT_ONLINE', 'The device disconnected before acknowledging.'));
    },
  };
}
