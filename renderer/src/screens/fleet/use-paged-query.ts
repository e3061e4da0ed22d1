import { useCallback, useEffect, useRef, useState } from 'react';
import { queryPage } from '../../api/devices';
import type { HubClient } from '../../api/http';

/** The rows of a query loaded so far, page by page, and whether more remain. */
export interface PagedQuery<T> {
  rows: T[];
  /** True once the last page arrived (the hub sent no continuation). */
  done: boolean;
  loading: boolean;
  error: Error | undefined;
  /** Pages fetched for this query (for the "loaded n pages" line and the tests' request count). */
  pages: number;
  /** Fetches the next page unless one is on its way or none is left. */
  loadMore(): void;
  /** Starts the query again from its first page. */
  reload(): void;
}

interface State<T> {
  rows: T[];
  continuation: string | undefined;
  done: boolean;
  loading: boolean;
  error: Error | undefined;
  pages: number;
}

const EMPTY = { rows: [], continuation: undefined, done: false, loading: true, error: undefined, pages: 0 };

/**
 * Loads `query` one page at a time with IoT Hub continuation tokens: the first page when the query
 * changes, the next only when `loadMore()` is called (the list calls it as the user scrolls near the
 * end), so a 10k-device fleet is never loaded whole. A newer query drops older answers.
 */
export function usePagedQuery<T>(client: HubClient, query: string | undefined): PagedQuery<T> {
  const [state, setState] = useState<State<T>>(EMPTY);
  const stateRef = useRef(state);
  stateRef.current = state;
  const generation = useRef(0);
  const controller = useRef<AbortController | undefined>(undefined);
  const [tick, setTick] = useState(0);

  const fetchPage = useCallback(
    (gen: number, text: string, continuation: string | undefined) => {
      const abort = new AbortController();
      controller.current = abort;
      setState((s) => ({ ...s, loading: true, error: undefined }));
      queryPage<T>(client, text, { continuation, signal: abort.signal }).then(
        (page) => {
          if (gen !== generation.current) return;
          setState((s) => ({
            rows: continuation ? [...s.rows, ...page.rows] : page.rows,
            continuation: page.continuation,
            done: !page.continuation,
            loading: false,
            error: undefined,
            pages: s.pages + 1,
          }));
        },
        (err: Error) => {
          if (gen !== generation.current || err.name === 'AbortError') return;
          setState((s) => ({ ...s, loading: false, error: err }));
        },
      );
    },
    [client],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick restarts the query on reload()
  useEffect(() => {
    generation.current += 1;
    controller.current?.abort();
    if (query === undefined) {
      setState({ ...EMPTY, loading: false, done: true });
      return;
    }
    setState(EMPTY);
    fetchPage(generation.current, query, undefined);
    return () => controller.current?.abort();
  }, [query, fetchPage, tick]);

  const loadMore = useCallback(() => {
    const s = stateRef.current;
    if (query === undefined || s.loading || s.done || s.error || !s.continuation) return;
    stateRef.current = { ...s, loading: true };
    fetchPage(generation.current, query, s.continuation);
  }, [query, fetchPage]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, loadMore, reload };
}
