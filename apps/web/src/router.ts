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
  if (path === location.pathname + location.search) return;
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

/**
 * The `?task=<id>` of the current URL (a notification or search hit opening a task), following
 * navigation, and a function that drops it from the URL (replaceState) once the task is open.
 */
export function useTaskParam(): [string | null, () => void] {
  const read = () => new URLSearchParams(location.search).get('task')?.toLowerCase() ?? null;
  const [task, setTask] = useState(read);
  useEffect(() => {
    const update = () => setTask(read());
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return [
    task,
    () => {
      history.replaceState(null, '', location.pathname);
      setTask(null);
    },
  ];
}
