// A round of work repeated every few seconds inside the worker process, until stopped: the
// outbox sweeper and the follower of administrative changes. A round never overlaps the next,
// and a failed round (the database or Temporal restarting) is logged and tried again.
import type { Logger } from 'pino';

export interface PeriodicLoop {
  /** Stops the loop; resolves once a round in progress has finished. */
  stop(): Promise<void>;
}

/** Runs `round` after `firstDelayMs`, then `intervalMs` after each round ends. */
export function startPeriodicLoop(
  round: () => Promise<void>,
  o: { intervalMs: number; firstDelayMs: number; what: string; logger?: Logger },
): PeriodicLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        await round();
      } catch (err) {
        o.logger?.warn({ err: String(err) }, `${o.what} failed`);
      }
      if (!stopped) timer = setTimeout(tick, o.intervalMs);
    })();
  };
  timer = setTimeout(tick, o.firstDelayMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** A loop that never runs (its feature is switched off). */
export const idleLoop: PeriodicLoop = { stop: async () => undefined };
