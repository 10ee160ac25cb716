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
import { idleLoop, startPeriodicLoop, type PeriodicLoop } from './periodicLoop';

export function startOutboxSweeper(db: Db, o: DeliveryOptions & { intervalMs: number; logger?: Logger; onSweep?: (r: RoundResult) => void }): PeriodicLoop {
  if (o.intervalMs <= 0 || o.urls.length === 0) return idleLoop;
  return startPeriodicLoop(
    async () => {
      const r = await sweepOutbox(db, o);
      if (r.tried) o.logger?.info({ ...r }, 'outbox sweep');
      if (r.dead) o.logger?.warn({ dead: r.dead }, 'notifications went DEAD after their last attempt: GET /admin/outbox?state=DEAD');
      o.onSweep?.(r);
    },
    { intervalMs: o.intervalMs, firstDelayMs: o.intervalMs, what: 'outbox sweep', logger: o.logger },
  );
}
