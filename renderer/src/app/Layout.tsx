import { useEffect, useRef } from 'react';
import { useHubEventsStatus } from '../api/events';
import { SCREENS } from '../screens/registry';
import { hrefTo, useRoute } from './router';
import { useSession } from './session';
import { useFiringAlerts } from './use-firing-alerts';

/** The app frame: navigation in lifecycle order (only what the role may use), the user, the stream state. */
export function Layout() {
  const session = useSession();
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  // A new page (not a new query on the same page) moves focus to its content, so keyboard and
  // screen-reader users start there instead of on the link they left behind.
  const page = route.segments.join('/');
  const firstPage = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: page is the trigger
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    main.current?.focus();
  }, [page]);
  const status = useHubEventsStatus();
  const firing = useFiringAlerts();
  const current = route.segments[0] ?? 'fleet';
  const screen = SCREENS.find((s) => s.path === current && session.can(s.minRole)) ?? SCREENS[0]!;
  const Screen = screen.component;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Outpost</div>
        <ul>
          {SCREENS.filter((s) => s.inNav && session.can(s.minRole)).map((s) => (
            <li key={s.path}>
              <a href={hrefTo(s.path)} aria-current={s.path === screen.path ? 'page' : undefined}>
                {s.label}
                {s.path === 'monitor' && firing ? ' ' : null}
                {s.path === 'monitor' && firing ? (
                  <span className="nav-badge" title={`${firing} alert rule${firing === 1 ? '' : 's'} firing`}>
                    {firing}
                    <span className="sr-only"> alert{firing === 1 ? '' : 's'} firing</span>
                  </span>
                ) : null}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <div className={`stream stream-${status}`} role="status" aria-live="polite">
            {status === 'live' ? '● Live' : status === 'connecting' ? '○ Connecting' : '○ Reconnecting'}
          </div>
          <a
            className="user"
            href={hrefTo('account')}
            aria-current={screen.path === 'account' ? 'page' : undefined}
          >
            {session.user.name} <span className="muted">({session.user.role})</span>
          </a>
          <button type="button" className="secondary" onClick={() => void session.logout()}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" className="content" tabIndex={-1} ref={main}>
        <Screen key={screen.path} route={{ ...route, segments: route.segments.slice(1) }} />
      </main>
    </div>
  );
}
