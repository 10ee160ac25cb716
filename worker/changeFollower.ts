// The loop that hands administrative changes over to their fan-outs (features/fanout/changeFollower).
// A loop in the worker, as for the outbox: the worker holds the database and a Temporal client.
// Several workers may run it at once: the fan-out ids make the second hand-over a no-op.
import type { Logger } from 'pino';
import { followChanges, type ChangeFollowerDeps } from '../features/fanout/changeFollower';
import { idleLoop, startPeriodicLoop, type PeriodicLoop } from './periodicLoop';

export function startChangeFollower(deps: ChangeFollowerDeps, o: { intervalMs: number; logger?: Logger }): PeriodicLoop {
  if (o.intervalMs <= 0) return idleLoop;
  const handled = new Set<string>();
  return startPeriodicLoop(
    async () => {
      const r = await followChanges(deps, handled);
      if (r.handed) o.logger?.info({ ...r }, 'administrative changes handed to their fan-outs');
    },
    // At once on start: a change made while no worker ran must not wait.
    { intervalMs: o.intervalMs, firstDelayMs: 0, what: 'handing administrative changes over', logger: o.logger },
  );
}
