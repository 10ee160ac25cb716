// Delivers outbox rows to the configured webhooks. A row is marked delivered only
// after every webhook answered 2xx; the outbox id travels as Idempotency-Key so a
// subscriber can drop the duplicate that an at-least-once retry may cause.
import type { Db } from '../platform/db';

export interface WebhookOptions {
  urls: string[];
  timeoutMs: number;
}

export function makeDeliverNotifications(db: Db, hooks: WebhookOptions) {
  return async function deliverNotifications({ ids }: { ids: string[] }): Promise<{ delivered: number }> {
    if (!hooks.urls.length || !ids.length) return { delivered: 0 };
    const rows = await db.notification.findMany({ where: { id: { in: ids }, deliveredAt: null } });
    const failures: string[] = [];
    let delivered = 0;
    for (const row of rows) {
      try {
        for (const url of hooks.urls) {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': row.id },
            body: JSON.stringify({ id: row.id, ...(row.payload as object) }),
            signal: AbortSignal.timeout(hooks.timeoutMs),
          });
          if (!res.ok) throw new Error(`${url} answered ${res.status}`);
        }
        await db.notification.update({ where: { id: row.id }, data: { deliveredAt: new Date(), attempts: { increment: 1 }, lastError: null } });
        delivered += 1;
      } catch (err) {
        failures.push(row.id);
        await db.notification.update({ where: { id: row.id }, data: { attempts: { increment: 1 }, lastError: String((err as Error).message ?? err) } });
      }
    }
    // Throwing makes Temporal retry the undelivered rows with backoff.
    if (failures.length) throw new Error(`undelivered notifications: ${failures.join(', ')}`);
    return { delivered };
  };
}
