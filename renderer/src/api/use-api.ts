import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import type { HubApiError } from './http';

/** The state of a load: data once it arrived, the error that stopped it, and a reload. */
export interface ApiState<T> {
  data: T | undefined;
  error: HubApiError | Error | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * Loads with `fetcher` when `deps` change and on `reload()`; a newer load wins over an older one
 * still in flight (its answer is dropped, its request aborted).
 */
export function useApi<T>(fetcher: (signal: AbortSignal) => Promise<T>, deps: DependencyList): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(fetcher);
  latest.current = fetcher;

  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    latest
      .current(controller.signal)
      .then((value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
      })
      .catch((err: Error) => {
        if (!controller.signal.aborted) setError(err);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
