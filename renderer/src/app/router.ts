import { useEffect, useState } from 'react';

/**
 * Hash routes (`#/devices/dev-1`): the UI is static files served by any hub, so the server never
 * needs to know the UI's paths, and a link copied from one hub's UI works on another.
 */
export interface Route {
  /** Path segments after `#/`, decoded. */
  segments: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const segments = pathPart
    .split('/')
    .filter(Boolean)
    .map((s) => {
      // A hand-typed or pasted link may hold a bare `%` (device ids may contain it): keep it as is.
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query: new URLSearchParams(queryPart) };
}

/** `href` of a route: `hrefTo('devices', id)` → `#/devices/<id>`. */
export function hrefTo(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

/** Navigates to a route. */
export function navigate(...segments: string[]): void {
  window.location.hash = hrefTo(...segments);
}

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
