import { useEffect, useRef } from 'react';

/**
 * Calls `fn` every `ms` while the page is visible (a hidden tab costs the hub nothing), and once
 * more when it becomes visible again.
 */
export function usePolling(fn: () => void, ms: number): void {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === 'visible') latest.current();
    };
    const timer = setInterval(tick, ms);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [ms]);
}
