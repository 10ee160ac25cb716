// The loop that hands administrative changes over to their fan-outs (features/fanout/changeFollower).
// A loop in the worker, as for the outbox: the worker holds the database and a Temporal client.
// Several workers may run it at once: the fan-out ids make the second hand-over a no-op.
import type { Logger } from 'pino';
import { followChanges, type ChangeFollowerDeps } from '../features/fanout/changeFollower';

export interface ChangeFollower {
  /** Stops the loop; resolves once a round in progress has finished. */
  stop(): Promise<void>;
}

export function startChangeFollower(deps: ChangeFollowerDeps, o: { intervalMs: number; logger?: Logger }): ChangeFollower {
  const handled = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        const r = await followChanges(deps, handled);
        if (r.handed) o.logger?.info({ ...r }, 'administrative changes handed to their fan-outs');
      } catch (err) {
        // The database or Temporal may be restarting: the next round tries the same rows again.
        o.logger?.warn({ err: String(err) }, 'handing administrative changes over failed');
      }
      if (!stopped) timer = setTimeout(tick, o.intervalMs);
    })();
  };
  if (o.intervalMs > 0) timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
