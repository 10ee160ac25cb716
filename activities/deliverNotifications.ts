// The first delivery attempt of the outbox rows a case just recorded (called by the case
// workflow after each recording). Retries are not Temporal's any more but the outbox's own
// (features/outbox/delivery.ts: attempts, nextAttemptAt, DEAD after NOTIFY_MAX_ATTEMPTS, swept
// by the worker): this activity makes one attempt and returns, whatever the receivers answered.
// Old histories replay unchanged — the workflow code and this activity's name and input are
// the same, and a replay uses the recorded results (completed or failed) without calling it.
import { deliverRows, type DeliveryOptions } from '../features/outbox/delivery';
import type { Db } from '../platform/db';

export type WebhookOptions = Omit<DeliveryOptions, 'maxAttempts' | 'baseMs' | 'maxMs' | 'concurrency'> &
  Partial<Pick<DeliveryOptions, 'maxAttempts' | 'baseMs' | 'maxMs' | 'concurrency'>>;

/** The delivery options with the configuration's defaults (config/env.ts) for what is not given. */
export function deliveryOptions(hooks: WebhookOptions): DeliveryOptions {
  return { maxAttempts: 8, baseMs: 10_000, maxMs: 3_600_000, concurrency: 4, ...hooks };
}

export function makeDeliverNotifications(db: Db, hooks: WebhookOptions) {
  const opts = deliveryOptions(hooks);
  return async function deliverNotifications({ ids }: { ids: string[] }): Promise<{ delivered: number }> {
    // Not thrown on failure: a Temporal retry would resend on its own schedule, beside the
    // outbox's; the row keeps its attempts and last error, and the sweeper retries it.
    const { delivered } = await deliverRows(db, ids, opts);
    return { delivered };
  };
}
