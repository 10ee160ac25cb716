// Live updates by plain polling: one GET per widget every few seconds, only while the tab
// is visible, never two in flight for the same widget. The API has no ETags (it turns
// express's off: answers depend on the caller and on live workflow state) and no push
// channel; the endpoints polled here are small (one page of cases, one case), so a plain
// GET costs about what a 304 round-trip would.
import { useCallback, useEffect, useRef, useState } from 'react';

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
