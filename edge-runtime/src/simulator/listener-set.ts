/** A set of event listeners where one failing listener cannot hurt the emitter or the others. */

/** Typed listeners of one event type. */
export interface ListenerSet<E> {
  /** Adds a listener; returns the function that removes it. */
  add(listener: (event: E) => void): () => void;
  /** Calls every listener; exceptions are swallowed, since a simulated device must outlive its observers. */
  emit(event: E): void;
}

/** Creates an empty listener set. */
export function createListenerSet<E>(): ListenerSet<E> {
  const listeners = new Set<(event: E) => void>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // Ignored on purpose (see emit).
        }
      }
    },
  };
}
