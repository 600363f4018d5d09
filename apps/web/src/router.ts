import { useEffect, useState } from 'react';

/** The app's routes: `/` (boards or sign-in) and `/boards/<id>`. */
export type Route = { name: 'home' } | { name: 'board'; boardId: string };

/** Parses a path into a Route (anything unknown is home). */
export function parseRoute(path: string): Route {
  const m = /^\/boards\/([0-9a-fA-F-]{36})\/?$/.exec(path);
  return m ? { name: 'board', boardId: m[1].toLowerCase() } : { name: 'home' };
}

/** Client-side navigation with the History API. */
export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The current route, following pushState and the back/forward buttons. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}
