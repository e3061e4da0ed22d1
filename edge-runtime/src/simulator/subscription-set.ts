/** The filters a device app has subscribed, kept the way the SDK's topic state machines keep them. */

/** Subscribes each filter once per app lifetime, one filter per SUBSCRIBE (device-protocol.md §2.9). */
export interface SubscriptionSet {
  /** Subscribes `filter` unless it already is (or is being) subscribed; resolves with the granted QoS. */
  once(filter: string, qos: 0 | 1): Promise<number>;
  /** Sends SUBSCRIBE again for those of `filters` that were subscribed, as after a dropped connection. */
  renew(filters: readonly (readonly [string, 0 | 1])[]): Promise<void>;
  /** Forgets everything, as a restarted app process does. */
  reset(): void;
}

/** Creates an empty set over the transport's `subscribe`. */
export function createSubscriptionSet(
  subscribe: (filter: string, qos: 0 | 1) => Promise<number>,
): SubscriptionSet {
  let subscribed = new Map<string, Promise<number>>();
  return {
    once(filter, qos) {
      let pending = subscribed.get(filter);
      if (!pending) {
        pending = subscribe(filter, qos);
        subscribed.set(filter, pending);
        // A failed SUBSCRIBE is retried by the next caller instead of being remembered as done.
        pending.catch(() => subscribed.delete(filter));
      }
      return pending;
    },
    async renew(filters) {
      for (const [filter, qos] of filters) if (subscribed.has(filter)) await subscribe(filter, qos);
    },
    reset() {
      subscribed = new Map();
    },
  };
}
