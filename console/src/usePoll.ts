// Live updates by conditional polling (docs/ARCHITECTURE.md, "Live updates"): one GET per
// widget every few seconds, only while the tab is visible, never two in flight for the same
// widget. The case reads and My work's list carry an ETag (api/conditional.ts); useLive sends
// it back as If-None-Match, and while nothing changed the server answers 304 without running
// the read (no workflow query, no rows) and the page does not re-render.
import { useCallback, useEffect, useRef, useState } from 'react';
import { getIfChanged } from './http';

export const POLL_MS = 5_000;

export interface Polled<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Fetch now (after an action), then keep polling. */
  reload(): Promise<void>;
}

export function usePoll<T>(key: string | null, load: () => Promise<T>, intervalMs = POLL_MS): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const inFlight = useRef<Promise<void> | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    if (inFlight.current) return inFlight.current;
    const p = (async () => {
      try {
        // The same object back (a 304 in useLive) leaves React's state, and the page, as it is.
        setData(await loadRef.current());
        setError(undefined);
      } catch (err) {
        setError(err);
      } finally {
        setLoading(false);
        inFlight.current = null;
      }
    })();
    inFlight.current = p;
    return p;
  }, []);

  useEffect(() => {
    if (key === null) return;
    setLoading(true);
    setData(undefined);
    void reload();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, intervalMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [key, intervalMs, reload]);

  return { data, error, loading, reload };
}

/**
 * usePoll over a conditional GET of `path`. reload() (after the person's own action) asks
 * without the tag: the tag follows the database projection, which may trail the workflow's
 * live state by a moment, and the person must see the effect of their action at once.
 */
export function useLive<T>(path: string | null, intervalMs = POLL_MS): Polled<T> {
  const held = useRef<{ path: string; etag: string | null; data: T } | null>(null);
  const polled = usePoll<T>(
    path,
    async () => {
      const p = path!;
      const copy = held.current?.path === p ? held.current : null;
      const r = await getIfChanged<T>(p, copy?.etag ?? null);
      if (r.notModified && copy) return copy.data;
      if (r.notModified) throw new Error(`304 without a held copy of ${p}`);
      held.current = { path: p, etag: r.etag, data: r.data };
      return r.data;
    },
    intervalMs,
  );
  const { reload: pollReload } = polled;
  const reload = useCallback(async () => {
    if (held.current) held.current = { ...held.current, etag: null };
    await pollReload();
  }, [pollReload]);
  return { ...polled, reload };
}
