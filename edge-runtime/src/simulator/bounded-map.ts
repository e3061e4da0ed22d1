/** Runs async work over many items with at most `limit` in flight. */

/**
 * Calls `fn` for every item, at most `limit` at a time, in order of index. Stops taking new items once
 * `signal` aborts (the ones in flight finish). `fn` must not throw: failures are the caller's to record.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await fn(items[index] as T, index);
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
}
