// The outbox sweeper: a loop in every worker process that delivers what is due — retries whose
// time has come, dead letters an administrator replayed, and rows whose case never delivered
// them (e.g. the worker died between recording and delivering).
//
// A loop here rather than a Temporal Schedule: a Schedule would add a workflow run (and its
// history) every few seconds only to call one activity, and its cadence would be bounded by
// task round trips; the worker process already has the database and the webhook settings. Several
// workers sweep safely at once: rows are claimed with FOR UPDATE SKIP LOCKED (features/outbox).
import type { Logger } from 'pino';
import { sweepOutbox, type DeliveryOptions, type RoundResult } from '../features/outbox/delivery';
import type { Db } from '../platform/db';

export interface OutboxSweeper {
  /** Stops the loop; resolves once a sweep in progress has finished. */
  stop(): Promise<void>;
}

export function startOutboxSweeper(db: Db, o: DeliveryOptions & { intervalMs: number; logger?: Logger; onSweep?: (r: RoundResult) => void }): OutboxSweeper {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        const r = await sweepOutbox(db, o);
        if (r.tried) o.logger?.info({ ...r }, 'outbox sweep');
        if (r.dead) o.logger?.warn({ dead: r.dead }, 'notifications went DEAD after their last attempt: GET /admin/outbox?state=DEAD');
        o.onSweep?.(r);
      } catch (err) {
        // The database may be restarting: the next tick tries again.
        o.logger?.warn({ err: String(err) }, 'outbox sweep failed');
      }
      if (!stopped) timer = setTimeout(tick, o.intervalMs);
    })();
  };
  if (o.intervalMs > 0 && o.urls.length > 0) timer = setTimeout(tick, o.intervalMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
