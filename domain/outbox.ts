// The outbox's retry rule, pure: how long a notification waits before its next delivery
// attempt, and when it stops being retried (DEAD, for an administrator to replay).

export interface RetrySchedule {
  /** Attempts in all (the first one included) before the row goes DEAD. */
  maxAttempts: number;
  /** Wait after the first failed attempt. */
  baseMs: number;
  /** Ceiling of the wait: a receiver that is down for a day is not hammered, nor forgotten. */
  maxMs: number;
}

/**
 * The wait after failed attempt number `attempt` (1 = the first): base, 2×base, 4×base, …
 * capped at maxMs. No jitter: attempts are already spread by when their cases recorded, and a
 * fixed schedule is what an operator can read off the row (attempts, nextAttemptAt).
 */
export function retryDelayMs(attempt: number, s: Pick<RetrySchedule, 'baseMs' | 'maxMs'>): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^30 already exceeds any sane ceiling; the cap keeps the power finite.
  return Math.min(s.maxMs, s.baseMs * 2 ** Math.min(n - 1, 30));
}

export type AttemptOutcome = { state: 'DELIVERED' } | { state: 'PENDING'; retryInMs: number } | { state: 'DEAD' };

/** What becomes of a row after attempt number `attempt` (1-based) did or did not reach every receiver. */
export function afterAttempt(attempt: number, deliveredToAll: boolean, s: RetrySchedule): AttemptOutcome {
  if (deliveredToAll) return { state: 'DELIVERED' };
  if (attempt >= s.maxAttempts) return { state: 'DEAD' };
  return { state: 'PENDING', retryInMs: retryDelayMs(attempt, s) };
}
