// What administrators and the metrics read of the outbox, and the replay of a dead letter.
// Replaying only marks the row due again (PENDING, attempts from zero): the worker's sweeper
// delivers it, so the API never talks to receivers and a replay obeys the same claim as any retry.
import type { OutboxState } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';

export type { OutboxState };
export const OUTBOX_STATES: readonly OutboxState[] = ['PENDING', 'DELIVERED', 'DEAD'];

export interface OutboxRow {
  id: string;
  caseCode: string;
  kind: string;
  recipientId: string | null;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredTo: string[];
  createdAt: string;
  deliveredAt: string | null;
  deadAt: string | null;
  replayedAt: string | null;
}

type Row = Awaited<ReturnType<Db['notification']['findFirstOrThrow']>>;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function outboxView(r: Row): OutboxRow {
  return {
    id: r.id,
    caseCode: r.caseCode,
    kind: r.kind,
    recipientId: r.recipientId,
    state: r.state,
    attempts: r.attempts,
    lastError: r.lastError,
    nextAttemptAt: iso(r.nextAttemptAt),
    deliveredTo: r.deliveredTo ?? [],
    createdAt: r.createdAt.toISOString(),
    deliveredAt: iso(r.deliveredAt),
    deadAt: iso(r.deadAt),
    replayedAt: iso(r.replayedAt),
  };
}

export interface OutboxQuery {
  state?: OutboxState;
  caseCode?: string;
  page: number;
  pageSize: number;
}

/** Rows of the outbox, newest first (dead letters: most recently dead first). */
export async function listOutbox(db: Db, q: OutboxQuery): Promise<{ items: OutboxRow[]; total: number; page: number; pageSize: number }> {
  const where = { ...(q.state ? { state: q.state } : {}), ...(q.caseCode ? { caseCode: q.caseCode } : {}) };
  const [rows, total] = await Promise.all([
    db.notification.findMany({
      where,
      orderBy: q.state === 'DEAD' ? [{ deadAt: 'desc' }, { id: 'asc' }] : [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    db.notification.count({ where }),
  ]);
  return { items: rows.map(outboxView), total, page: q.page, pageSize: q.pageSize };
}

export type ReplayResult = { ok: true; row: OutboxRow } | { ok: false; reason: 'NOT_FOUND' | 'NOT_DEAD'; state?: OutboxState };

/** Put a DEAD row back in line: PENDING, due now, a fresh set of attempts. Only DEAD rows. */
export async function replayDeadLetter(db: Db, id: string, now = new Date()): Promise<ReplayResult> {
  // Conditional on the state, so two admins replaying at once, or a replay racing nothing
  // else (only the sweeper touches PENDING rows), changes the row once.
  const n = await db.notification.updateMany({
    where: { id, state: 'DEAD' },
    data: { state: 'PENDING', attempts: 0, nextAttemptAt: now, deadAt: null, replayedAt: now },
  });
  const row = await db.notification.findUnique({ where: { id } });
  if (!row) return { ok: false, reason: 'NOT_FOUND' };
  if (n.count === 0) return { ok: false, reason: 'NOT_DEAD', state: row.state };
  return { ok: true, row: outboxView(row) };
}

export interface OutboxStats {
  pending: number;
  dead: number;
  /** Age of the oldest PENDING row in seconds (0 when none). */
  oldestPendingSeconds: number;
}

export async function outboxStats(db: Db, now = Date.now()): Promise<OutboxStats> {
  const [pending, dead, oldest] = await Promise.all([
    db.notification.count({ where: { state: 'PENDING' } }),
    db.notification.count({ where: { state: 'DEAD' } }),
    db.notification.findFirst({ where: { state: 'PENDING' }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
  ]);
  return { pending, dead, oldestPendingSeconds: oldest ? Math.max(0, (now - oldest.createdAt.getTime()) / 1000) : 0 };
}
