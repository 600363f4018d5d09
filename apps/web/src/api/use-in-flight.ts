import { useCallback, useRef, useState } from 'react';

/**
 * What has a request on its way, by id (a board, a comment, a member, an invitation), for buttons
 * that must not send the same request twice: a second click would create a second thing, or get a
 * 404 and report a false failure. `has(id)` is for rendering (a disabled button); `run(id, work)`
 * runs `work` unless that id is already running, and then resolves to undefined without running
 * it. The guard is a ref, so two clicks before React renders again still run once. `run` rejects
 * with whatever `work` rejects with, and the id is free again either way.
 */
export function useInFlight() {
  const running = useRef(new Set<string>());
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const run = useCallback(async <T>(id: string, work: () => Promise<T>): Promise<T | undefined> => {
    if (running.current.has(id)) return undefined;
    running.current.add(id);
    setIds(new Set(running.current));
    try {
      return await work();
    } finally {
      running.current.delete(id);
      setIds(new Set(running.current));
    }
  }, []);
  return { has: (id: string) => ids.has(id), run };
}
