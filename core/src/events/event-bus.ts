import type { Logger } from '../ports/logger';

/** Listener of one event type. */
export type Listener<T> = (payload: T) => void;

/** A typed event bus whose listeners cannot break the emitter or each other. */
export interface EventBus<Events extends object> {
  /** Subscribes `owner`'s listener; returns the unsubscribe function. */
  on<K extends keyof Events>(name: K, owner: string, listener: Listener<Events[K]>): () => void;
  /** Calls every listener of `name`; a throwing listener is logged with its owner and skipped. */
  emit<K extends keyof Events>(name: K, payload: Events[K]): void;
  /** Number of listeners of `name` (for diagnostics). */
  listenerCount(name: keyof Events): number;
}

/** Creates an event bus. */
export function createEventBus<Events extends object>(logger: Logger): EventBus<Events> {
  const listeners = new Map<keyof Events, Set<{ owner: string; fn: Listener<never> }>>();
  return {
    on(name, owner, fn) {
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      const entry = { owner, fn: fn as Listener<never> };
      set.add(entry);
      return () => set.delete(entry);
    },
    emit(name, payload) {
      const set = listeners.get(name);
      if (!set) return;
      for (const { owner, fn } of set) {
        try {
          (fn as Listener<typeof payload>)(payload);
        } catch (err) {
          logger.error('event listener failed', { owner, event: String(name), error: String(err) });
        }
      }
    },
    listenerCount: (name) => listeners.get(name)?.size ?? 0,
  };
}
