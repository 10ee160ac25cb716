// A handful of pages need no router library: the path under /console/ is the page, and
// history.pushState moves between them (the server answers index.html for any of them).
import { useEffect, useState } from 'react';

export const BASE = '/console';

export type Route =
  | { page: 'work' }
  | { page: 'case'; code: string }
  | { page: 'audit'; code: string }
  | { page: 'inbox' }
  | { page: 'board' }
  /** A district leader's case list (包案责任清单): the reader's own (a leader) or the one picked. */
  | { page: 'leaders'; personId?: string }
  | { page: 'assessment' }
  | { page: 'admin' }
  | { page: 'signin' }
  /** The resident's revisit survey at the one-time link /survey/{token} (outside /console: the link the API issues). */
  | { page: 'survey'; token: string };

export function parseRoute(pathname: string): Route {
  const survey = /^\/survey\/([^/]+)\/?$/.exec(pathname);
  if (survey) return { page: 'survey', token: decodeURIComponent(survey[1]!) };
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const audit = /^\/cases\/([^/]+)\/audit\/?$/.exec(rest);
  if (audit) return { page: 'audit', code: decodeURIComponent(audit[1]!) };
  const m = /^\/cases\/([^/]+)\/?$/.exec(rest);
  if (m) return { page: 'case', code: decodeURIComponent(m[1]!) };
  if (/^\/inbox\/?$/.test(rest)) return { page: 'inbox' };
  if (/^\/board\/?$/.test(rest)) return { page: 'board' };
  if (/^\/leaders\/?$/.test(rest)) return { page: 'leaders' };
  const leader = /^\/leaders\/([^/]+)\/?$/.exec(rest);
  if (leader) return { page: 'leaders', personId: decodeURIComponent(leader[1]!) };
  if (/^\/assessment\/?$/.test(rest)) return { page: 'assessment' };
  if (/^\/admin\/?$/.test(rest)) return { page: 'admin' };
  if (/^\/signin\/?$/.test(rest)) return { page: 'signin' };
  return { page: 'work' };
}

export function hrefOf(route: Route): string {
  if (route.page === 'case') return `${BASE}/cases/${encodeURIComponent(route.code)}`;
  if (route.page === 'audit') return `${BASE}/cases/${encodeURIComponent(route.code)}/audit`;
  if (route.page === 'inbox') return `${BASE}/inbox`;
  if (route.page === 'leaders') return route.personId ? `${BASE}/leaders/${encodeURIComponent(route.personId)}` : `${BASE}/leaders`;
  if (route.page === 'board' || route.page === 'assessment' || route.page === 'admin') return `${BASE}/${route.page}`;
  if (route.page === 'survey') return `/survey/${encodeURIComponent(route.token)}`;
  if (route.page === 'signin') return `${BASE}/signin`;
  return `${BASE}/`;
}

const EVENT = 'coe:navigate';

export function navigate(route: Route, replace = false): void {
  const href = hrefOf(route);
  if (href !== location.pathname) {
    if (replace) history.replaceState(null, '', href);
    else history.pushState(null, '', href);
  }
  window.dispatchEvent(new Event(EVENT));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return route;
}
