// Delivers outbox rows (Notification) to the configured webhook receivers, with retries.
//
// One attempt = one round to every receiver still owed the row. The row is claimed first (an
// UPDATE … FOR UPDATE SKIP LOCKED that pushes nextAttemptAt past the attempt), so the workflow's
// delivery activity, a retried activity and the sweepers of several workers never send the same
// row at the same time, and a DELIVERED row is never picked again. A receiver that answered 2xx
// is added to deliveredTo at once, so a retry goes only to the others. Delivery is at least once,
// and no sender over HTTP can do better: a crash (or a lost answer) between the receiver's 2xx
// and our record of it always leaves the choice between resending and maybe losing, and we resend.
// Every request therefore carries the notification's stable id — the same on every attempt —
// as webhook-id (Standard Webhooks; also X-Delivery-Id and Idempotency-Key): the receiver's
// idempotency key. A receiver that applies each id once sees every notification exactly once.
//
// Receivers are served in parallel, each with its own bounded concurrency and a per-request
// timeout, so a slow or failing receiver holds up neither the others nor the rest of the batch.
import { Prisma } from '../../generated/prisma/client';
import { afterAttempt, type RetrySchedule } from '../../domain/outbox';
import type { Db } from '../../platform/db';
import { SIGNATURE_HEADER, WEBHOOK_ID_HEADER, WEBHOOK_TIMESTAMP_HEADER, signBody, standardWebhookHeaders } from './signature';

export interface DeliveryOptions extends RetrySchedule {
  urls: string[];
  timeoutMs: number;
  /** Signs every request (webhook-signature and X-Signature) when set. */
  secret?: string;
  /** Requests in flight at once per receiver. */
  concurrency: number;
  /** The clock (tests move it instead of waiting). Default Date.now. */
  now?: () => number;
}

/** A claimed row: what a round of deliveries needs. */
interface ClaimedRow {
  id: string;
  payload: unknown;
  attempts: number;
  deliveredTo: string[];
}

export interface RoundResult {
  /** Rows claimed (and tried) in this round. */
  tried: number;
  delivered: number;
  dead: number;
  /** Still PENDING, with a next attempt scheduled. */
  retrying: number;
}

const EMPTY: RoundResult = { tried: 0, delivered: 0, dead: 0, retrying: 0 };

/**
 * How long a claim holds: long enough for the round to finish (every receiver's queue at its
 * concurrency, each request bounded by the timeout), so another claimer does not start over.
 */
function claimMs(rows: number, o: DeliveryOptions): number {
  return o.timeoutMs * (Math.ceil(rows / o.concurrency) + 1) + 30_000;
}

/** Claim the given rows that are due (the activity's first attempt of fresh rows). */
async function claimIds(db: Db, ids: string[], o: DeliveryOptions): Promise<ClaimedRow[]> {
  const now = new Date(o.now?.() ?? Date.now());
  const until = new Date(now.getTime() + claimMs(ids.length, o));
  return db.$queryRaw<ClaimedRow[]>(Prisma.sql`
    UPDATE "Notification" n SET "nextAttemptAt" = ${until}
    FROM (SELECT "id" FROM "Notification"
          WHERE "id" = ANY(${ids}::text[]) AND "state" = 'PENDING' AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
          ORDER BY "id" FOR UPDATE SKIP LOCKED) due
    WHERE n."id" = due."id"
    RETURNING n."id", n."payload", n."attempts", COALESCE(n."deliveredTo", '{}') AS "deliveredTo"`);
}

/**
 * Claim up to `limit` due rows for the sweeper: retries whose time has come, replayed dead
 * letters, and rows never tried whose case did not deliver them itself within `graceMs`
 * (the workflow's activity was lost, or the rows were recorded while no webhook was configured).
 */
async function claimDue(db: Db, limit: number, graceMs: number, o: SweepOptions): Promise<ClaimedRow[]> {
  const now = new Date(o.now?.() ?? Date.now());
  const fresh = new Date(now.getTime() - graceMs);
  const until = new Date(now.getTime() + claimMs(limit, o));
  const scope = o.caseCodes ? Prisma.sql`AND "caseCode" = ANY(${o.caseCodes}::text[])` : Prisma.empty;
  return db.$queryRaw<ClaimedRow[]>(Prisma.sql`
    UPDATE "Notification" n SET "nextAttemptAt" = ${until}
    FROM (SELECT "id" FROM "Notification"
          WHERE "state" = 'PENDING' AND ("nextAttemptAt" <= ${now} OR ("nextAttemptAt" IS NULL AND "createdAt" <= ${fresh})) ${scope}
          ORDER BY "createdAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED) due
    WHERE n."id" = due."id"
    RETURNING n."id", n."payload", n."attempts", COALESCE(n."deliveredTo", '{}') AS "deliveredTo"`);
}

/** At most `n` of the returned functions' bodies run at once. */
function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active += 1;
    try {
      return await fn();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

/** The body a receiver gets (unchanged from the first outbox: the row id and its payload). */
export function deliveryBody(row: { id: string; payload: unknown }): string {
  return JSON.stringify({ id: row.id, ...(row.payload as object) });
}

/**
 * One request. Resolves with the response once a 2xx status line is in (its body not read yet),
 * so the caller records the delivery before anything else; rejects on any other answer.
 */
async function post(url: string, row: ClaimedRow, attempt: number, o: DeliveryOptions): Promise<Response> {
  const body = deliveryBody(row);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    // The row id under every name a receiver may dedupe on: webhook-id (Standard Webhooks),
    // and X-Delivery-Id / Idempotency-Key for receivers written for the first outbox.
    [WEBHOOK_ID_HEADER]: row.id,
    'idempotency-key': row.id,
    'x-delivery-id': row.id,
    'x-delivery-attempt': String(attempt),
  };
  if (o.secret) {
    const t = Math.floor((o.now?.() ?? Date.now()) / 1000);
    Object.assign(headers, standardWebhookHeaders(o.secret, row.id, t, body), { [SIGNATURE_HEADER]: signBody(o.secret, body, t) });
  } else {
    headers[WEBHOOK_TIMESTAMP_HEADER] = String(Math.floor((o.now?.() ?? Date.now()) / 1000));
  }
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(o.timeoutMs) });
  if (!res.ok) {
    await drain(res);
    throw new Error(`${url} answered ${res.status}`);
  }
  return res;
}

/** Read the body to its end so the connection is reused; its content does not matter. */
async function drain(res: Response): Promise<void> {
  await res.arrayBuffer().catch(() => undefined);
}

/**
 * Record that `url` took the row. The receiver already has it: a failed write (the database
 * away) is retried while the claim holds — given up, the row would be sent again — and only
 * then counted as a failed attempt.
 */
async function recordDelivered(db: Db, id: string, url: string, until: number): Promise<void> {
  for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
    try {
      await db.$executeRaw`UPDATE "Notification" SET "deliveredTo" = array_append(COALESCE("deliveredTo", '{}'), ${url})
        WHERE "id" = ${id} AND NOT (${url} = ANY(COALESCE("deliveredTo", '{}')))`;
      return;
    } catch (err) {
      if (Date.now() + wait > until) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** One attempt for each claimed row to every receiver still owed it; records the outcome. */
async function deliverClaimed(db: Db, rows: ClaimedRow[], o: DeliveryOptions): Promise<RoundResult> {
  const lanes = new Map(o.urls.map((u) => [u, limiter(o.concurrency)]));
  const result: RoundResult = { ...EMPTY, tried: rows.length };
  // Real time, not o.now: how long this process may keep retrying a write under its claim.
  const claimEnds = Date.now() + claimMs(rows.length, o);
  await Promise.all(
    rows.map(async (row) => {
      const attempt = row.attempts + 1;
      const owed = o.urls.filter((u) => !row.deliveredTo.includes(u));
      const errors: string[] = [];
      await Promise.all(
        owed.map((url) =>
          lanes.get(url)!(async () => {
            let res: Response;
            try {
              res = await post(url, row, attempt, o);
            } catch (err) {
              errors.push(errorText(url, err));
              return;
            }
            try {
              // Recorded the moment the 2xx status is in, before its body is read: from the
              // receiver's answer to this commit is the only window in which a crash resends.
              await recordDelivered(db, row.id, url, claimEnds);
            } catch (err) {
              errors.push(`${url} took it, but recording that failed: ${(err as Error).message.slice(0, 200)}`);
            } finally {
              await drain(res);
            }
          }),
        ),
      );
      const outcome = afterAttempt(attempt, errors.length === 0, o);
      const now = o.now?.() ?? Date.now();
      const lastError = errors.length ? errors.join('; ').slice(0, 2000) : null;
      if (outcome.state === 'DELIVERED') {
        result.delivered += 1;
        await db.notification.update({
          where: { id: row.id },
          data: { state: 'DELIVERED', deliveredAt: new Date(now), attempts: attempt, lastError: null, nextAttemptAt: null },
        });
      } else if (outcome.state === 'DEAD') {
        result.dead += 1;
        await db.notification.update({ where: { id: row.id }, data: { state: 'DEAD', deadAt: new Date(now), attempts: attempt, lastError, nextAttemptAt: null } });
      } else {
        result.retrying += 1;
        await db.notification.update({
          where: { id: row.id },
          data: { attempts: attempt, lastError, nextAttemptAt: new Date(now + outcome.retryInMs) },
        });
      }
    }),
  );
  return result;
}

function errorText(url: string, err: unknown): string {
  const e = err as Error;
  if (e?.name === 'TimeoutError') return `${url} timed out`;
  // fetch's own message is "fetch failed"; the reason (ECONNREFUSED, …) is in its cause.
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const msg = String(e?.message ?? err) + (cause ? ` (${cause.code ?? cause.message})` : '');
  return msg.startsWith(url) ? msg : `${url}: ${msg}`;
}

/** The first attempt of rows a case just recorded (the workflow's deliverNotifications activity). */
export async function deliverRows(db: Db, ids: string[], o: DeliveryOptions): Promise<RoundResult> {
  if (!o.urls.length || !ids.length) return EMPTY;
  return deliverClaimed(db, await claimIds(db, ids, o), o);
}

export interface SweepOptions extends DeliveryOptions {
  /** Rows claimed per round. Default 100. */
  batch?: number;
  /** A row never tried is left to its case's own delivery for this long. Default 1 minute. */
  graceMs?: number;
  /** Only these cases' rows (tests sharing one database with other suites). */
  caseCodes?: string[];
}

/** One sweep: every due row, in batches of `batch`, until none is left due. */
export async function sweepOutbox(db: Db, o: SweepOptions): Promise<RoundResult> {
  const total: RoundResult = { ...EMPTY };
  if (!o.urls.length) return total;
  for (;;) {
    const rows = await claimDue(db, o.batch ?? 100, o.graceMs ?? 60_000, o);
    if (!rows.length) return total;
    const r = await deliverClaimed(db, rows, o);
    total.tried += r.tried;
    total.delivered += r.delivered;
    total.dead += r.dead;
    total.retrying += r.retrying;
  }
}
