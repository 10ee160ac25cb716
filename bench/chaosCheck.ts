// The judge of `npm run chaos` (bench/chaos.ts), pure: given what the run did to each case
// (reported, accepted or not) and what the database holds afterwards (its events, its outbox
// rows, what the webhook receiver got), say what was lost or done twice. No clock, no I/O: the
// unit test feeds it hand-made cases with one defect each.
//
// The model is the one the run sets up: reminders off, only the ACCEPT window short (wall
// clock), every other window too long to lapse during the run. A case nobody accepts then
// climbs the whole ladder: each lapse k (due at D1 + (k-1)·span, a restarted window starts at
// the lapsed due time) records BREACHED at ladder[k-1] and ESCALATED to ladder[k]; reaching the
// top records LEADER_LISTED; the window lapses once more at the top (BREACHED, escalatedTo null)
// and nothing follows. An accepted case records ACCEPTED after the lapses due before it, then
// nothing. With the ladder's pacing rules (domain/pacing: cases reported since they exist), a
// missed acceptance climbs only to its ceiling (the command center): `ladderOfAcceptLapses`
// cuts the ladder there, and the last lapse is held by the duty desk instead of listing the
// case for the leaders.

import { lapseMove, type LadderPacing } from '../domain/pacing';
import type { Level } from '../domain/types';

export interface ObservedEvent {
  seq: number;
  type: string;
  /** The fact's instant (ms). */
  at: number;
  data: Record<string, unknown>;
}

export interface CaseRun {
  code: string;
  /** What the run knows of the accept it sent: none sent (or refused with a 4xx), answered 2xx, or sent without a known outcome. */
  accept: 'none' | 'acknowledged' | 'unknown';
  /** The events the database holds for the case (any order). */
  events: ObservedEvent[];
}

export interface Model {
  /** The levels an unaccepted case climbs through, lowest first (ladderOfAcceptLapses). */
  ladder: readonly string[];
  /** Whether reaching the last of them records LEADER_LISTED (it is the top of the whole ladder). */
  listedAtTop: boolean;
  /** The ACCEPT window's span, ms. */
  acceptMs: number;
  /** When the events were read (ms): lapses due by then, minus graceMs, must have fired. */
  checkedAt: number;
  graceMs: number;
  /**
   * An accept and a lapse that reach the workflow together are ordered by its history, and an
   * update may be ordered first although its lapse was already due: a lapse missing before
   * ACCEPTED counts as never fired only when it was due this long before the accept.
   */
  raceToleranceMs: number;
}

export interface CaseDefects {
  code: string;
  /** Events beyond the first with the same identity. */
  duplicated: number;
  /** seq numbers missing between 1 and the highest. */
  seqGaps: number;
  /** Lapses due (and not overtaken by an accept) that left no BREACHED. */
  timersNeverFired: number;
  /** Other expected events missing (an escalation, the leaders' list, an acknowledged accept). */
  eventsMissing: number;
  /** Events the model does not expect (e.g. a lapse after the accept, an accept never sent). */
  unexpected: number;
  /** The distinct events are the expected ones but not in the expected order. */
  outOfOrder: boolean;
  notes: string[];
}

/** What identifies a fact: the same key twice is one fact recorded twice. */
export function factKey(e: Pick<ObservedEvent, 'type' | 'data'>): string {
  switch (e.type) {
    case 'REPORTED':
    case 'ACCEPTED':
    case 'LEADER_LISTED':
      return e.type;
    case 'BREACHED':
      return `BREACHED:${String(e.data.kind)}:${String(e.data.dueAt)}`;
    case 'ESCALATED':
      return `ESCALATED:${String(e.data.from)}>${String(e.data.to)}`;
    default:
      return `${e.type}:${JSON.stringify(e.data)}`;
  }
}

/** The ACCEPT window's first due time, from the REPORTED fact. */
export function firstAcceptDue(events: readonly ObservedEvent[]): number | null {
  const reported = events.find((e) => e.type === 'REPORTED');
  const windows = (reported?.data.windows ?? []) as Array<{ kind: string; dueAt: number }>;
  return windows.find((w) => w.kind === 'ACCEPT')?.dueAt ?? null;
}

/**
 * The levels a case nobody accepts passes through, and whether the last is the leaders' list:
 * the whole ladder without pacing rules; with them, up to where an ACCEPT lapse may climb.
 */
export function ladderOfAcceptLapses(ladder: readonly Level[], pacing: LadderPacing | undefined): { ladder: Level[]; listedAtTop: boolean } {
  if (!pacing) return { ladder: [...ladder], listedAtTop: true };
  const climbed: Level[] = [ladder[0]];
  for (;;) {
    const move = lapseMove('ACCEPT', climbed[climbed.length - 1], ladder, pacing);
    if (move.move !== 'CLIMB') return { ladder: climbed, listedAtTop: move.move === 'TOP' };
    climbed.push(move.to);
  }
}

/** The keys of lapse k (1-based) of a case that climbs `ladder`. */
export function lapseKeys(k: number, due: number, ladder: readonly string[], listedAtTop: boolean): string[] {
  const from = ladder[k - 1];
  const to = ladder[k];
  if (to === undefined) return [`BREACHED:ACCEPT:${due}`];
  const keys = [`BREACHED:ACCEPT:${due}`, `ESCALATED:${from}>${to}`];
  if (k === ladder.length - 1 && listedAtTop) keys.push('LEADER_LISTED');
  return keys;
}

/** Due time of lapse k (1-based). */
export const lapseDue = (d1: number, k: number, acceptMs: number) => d1 + (k - 1) * acceptMs;

/** When the case's last expected event is due (its last lapse), for exposure to faults. */
export function lastExpectedAt(run: CaseRun, m: Model): number | null {
  const d1 = firstAcceptDue(run.events);
  if (d1 === null) return null;
  const accepted = run.events.find((e) => e.type === 'ACCEPTED');
  return accepted ? accepted.at : lapseDue(d1, m.ladder.length, m.acceptMs);
}

export function checkCase(run: CaseRun, m: Model): CaseDefects {
  const d: CaseDefects = { code: run.code, duplicated: 0, seqGaps: 0, timersNeverFired: 0, eventsMissing: 0, unexpected: 0, outOfOrder: false, notes: [] };
  const events = [...run.events].sort((a, b) => a.seq - b.seq);

  // seq: 1..max, each once (the table's key forbids a seq twice).
  const seqs = new Set(events.map((e) => e.seq));
  const maxSeq = events.length ? events[events.length - 1].seq : 0;
  for (let s = 1; s <= maxSeq; s++) if (!seqs.has(s)) d.seqGaps += 1;
  if (d.seqGaps) d.notes.push(`seq gaps: ${d.seqGaps} of 1..${maxSeq} missing`);

  const observed: string[] = [];
  const seen = new Map<string, number>();
  for (const e of events) {
    const k = factKey(e);
    seen.set(k, (seen.get(k) ?? 0) + 1);
    if (seen.get(k) === 1) observed.push(k);
    else {
      d.duplicated += 1;
      d.notes.push(`duplicated: ${k} (seq ${e.seq})`);
    }
  }

  const d1 = firstAcceptDue(events);
  if (d1 === null) {
    d.eventsMissing += 1;
    d.notes.push('no REPORTED fact with an ACCEPT window');
    return d;
  }

  // The expected keys, in order, each tagged with what its absence means; lapses not yet due
  // (within graceMs of the read) may or may not be there.
  const expected: Array<{ key: string; lapse: boolean }> = [{ key: 'REPORTED', lapse: false }];
  const tolerated = new Set<string>();
  const accepted = events.find((e) => e.type === 'ACCEPTED');
  for (let k = 1; k <= m.ladder.length; k++) {
    const due = lapseDue(d1, k, m.acceptMs);
    const keys = lapseKeys(k, due, m.ladder, m.listedAtTop);
    if (accepted) {
      const breach = events.find((e) => factKey(e) === keys[0]);
      if (!breach || breach.seq > accepted.seq) {
        if (due < accepted.at - m.raceToleranceMs) {
          d.timersNeverFired += 1;
          d.notes.push(`lapse ${k} due ${due} never fired before the accept at ${accepted.at}`);
        }
        break;
      }
    } else if (due > m.checkedAt - m.graceMs) {
      for (let j = k; j <= m.ladder.length; j++) lapseKeys(j, lapseDue(d1, j, m.acceptMs), m.ladder, m.listedAtTop).forEach((x) => tolerated.add(x));
      break;
    } else if (!seen.has(keys[0])) {
      // One timer that never fired: the windows after it never opened, so nothing more is due.
      d.timersNeverFired += 1;
      d.notes.push(`lapse ${k} due ${due} never fired`);
      break;
    }
    keys.forEach((key, i) => expected.push({ key, lapse: i === 0 }));
  }
  if (accepted) {
    expected.push({ key: 'ACCEPTED', lapse: false });
    if (run.accept === 'none') {
      d.unexpected += 1;
      d.notes.push('ACCEPTED although the run sent no accept or its accept was refused');
    }
  } else if (run.accept === 'acknowledged') {
    d.eventsMissing += 1;
    d.notes.push('the accept was acknowledged (2xx) but no ACCEPTED fact');
  }

  const expectedKeys = new Set(expected.map((x) => x.key));
  for (const x of expected) {
    if (seen.has(x.key)) continue;
    if (x.lapse) d.timersNeverFired += 1;
    else d.eventsMissing += 1;
    d.notes.push(`missing: ${x.key}`);
  }
  for (const key of observed) {
    if (expectedKeys.has(key) || tolerated.has(key)) continue;
    d.unexpected += 1;
    d.notes.push(`unexpected: ${key}`);
  }
  const inOrder = observed.filter((k) => expectedKeys.has(k));
  const wanted = expected.map((x) => x.key).filter((k) => seen.has(k));
  d.outOfOrder = inOrder.join('|') !== wanted.join('|');
  if (d.outOfOrder) d.notes.push(`order: got ${inOrder.join(', ')}; expected ${wanted.join(', ')}`);
  return d;
}

// ───────────────────────── the outbox ─────────────────────────

export interface OutboxRow {
  id: string;
  caseCode: string;
  seq: number;
  state: string;
}

export interface OutboxDefects {
  /** Events that must notify (an escalation, the leaders' list) with no outbox row. */
  rowsMissing: number;
  /** Rows not DELIVERED when the run ended, or DELIVERED but never received. */
  lost: number;
  /**
   * Rows the receiver got more than once under their id: the raw redeliveries. Delivery over HTTP
   * is at least once (a crash between the receiver's 2xx and our record of it resends), so this
   * can be above 0 without loss of correctness; see honouringReceiver for what a receiver sees.
   */
  sentTwice: number;
  notes: string[];
}

/** Fact types whose recording always writes an outbox row (to the new holder). */
export const NOTIFYING_TYPES = ['ESCALATED', 'LEADER_LISTED'] as const;

export function checkOutbox(cases: readonly CaseRun[], rows: readonly OutboxRow[], received: ReadonlyMap<string, number>): OutboxDefects {
  const d: OutboxDefects = { rowsMissing: 0, lost: 0, sentTwice: 0, notes: [] };
  const rowKeys = new Set(rows.map((r) => `${r.caseCode}:${r.seq}`));
  for (const c of cases) {
    for (const e of c.events) {
      if ((NOTIFYING_TYPES as readonly string[]).includes(e.type) && !rowKeys.has(`${c.code}:${e.seq}`)) {
        d.rowsMissing += 1;
        d.notes.push(`${c.code} seq ${e.seq} (${e.type}): no outbox row`);
      }
    }
  }
  for (const r of rows) {
    const n = received.get(r.id) ?? 0;
    if (r.state !== 'DELIVERED' || n === 0) {
      d.lost += 1;
      d.notes.push(`${r.id}: ${r.state}, received ${n}×`);
    }
    if (n > 1) {
      d.sentTwice += 1;
      d.notes.push(`${r.id}: received ${n}×`);
    }
  }
  return d;
}

/** One request the run's receiver took: its webhook-id, and what the notification says (without the id). */
export interface ReceivedDelivery {
  id: string;
  /** The notification's content (case, kind, message, time, recipient): one notification, one content. */
  content: string;
}

export interface HonouringReceiverFigures {
  /** Requests taken. */
  requests: number;
  /** Requests whose id the receiver had already taken (dropped by it: no effect). */
  redeliveriesDropped: number;
  /** Notifications that arrived under more than one id (a receiver keyed on the id cannot tell). */
  distinctIdsForOneNotification: number;
  /** Notifications whose effect a receiver that honours webhook-id applied more than once. */
  appliedTwice: number;
  notes: string[];
}

/**
 * What a receiver that honours the idempotency key sees: it applies a request's effect the first
 * time it meets its webhook-id and drops any later request with that id. A notification reaches
 * such a receiver twice only when it was sent under two ids (or under none).
 */
export function honouringReceiver(deliveries: readonly ReceivedDelivery[]): HonouringReceiverFigures {
  const seen = new Set<string>();
  const applied = new Map<string, number>();
  const idsOf = new Map<string, Set<string>>();
  let dropped = 0;
  for (const d of deliveries) {
    idsOf.set(d.content, (idsOf.get(d.content) ?? new Set()).add(d.id));
    if (d.id && seen.has(d.id)) {
      dropped += 1;
      continue;
    }
    if (d.id) seen.add(d.id);
    applied.set(d.content, (applied.get(d.content) ?? 0) + 1);
  }
  const notes: string[] = [];
  let distinct = 0;
  for (const [content, ids] of idsOf) {
    if (ids.size > 1) {
      distinct += 1;
      notes.push(`one notification under ${ids.size} ids (${[...ids].join(', ')}): ${content.slice(0, 160)}`);
    }
  }
  const twice = [...applied.values()].filter((n) => n > 1).length;
  return { requests: deliveries.length, redeliveriesDropped: dropped, distinctIdsForOneNotification: distinct, appliedTwice: twice, notes };
}

// ───────────────────────── recovery ─────────────────────────

/** A sample of the newest event id, taken by the run's poller. */
export interface ProgressSample {
  at: number;
  maxEventId: number;
}

/**
 * The first instant after `from` at which a new event appeared: the first sample whose newest
 * event id is above the one seen at `from` (the first sample at or after it). Null: none.
 */
export function firstProgressAfter(samples: readonly ProgressSample[], from: number): number | null {
  const i = samples.findIndex((s) => s.at >= from);
  if (i < 0) return null;
  const base = samples[i].maxEventId;
  for (let j = i + 1; j < samples.length; j++) if (samples[j].maxEventId > base) return samples[j].at;
  return null;
}

// ───────────────────────── figures per fault ─────────────────────────

export interface FaultWindow {
  kind: string;
  /** When the fault was injected. */
  at: number;
  /** When the process (or the database) was back. */
  backAt: number;
}

export interface LossFigures {
  cases: number;
  casesLost: number;
  eventsDuplicated: number;
  seqGaps: number;
  timersNeverFired: number;
  eventsMissing: number;
  unexpectedEvents: number;
  outOfOrderCases: number;
}

export function sumDefects(defects: readonly CaseDefects[], lost: number): LossFigures {
  return {
    cases: defects.length,
    casesLost: lost,
    eventsDuplicated: defects.reduce((s, d) => s + d.duplicated, 0),
    seqGaps: defects.reduce((s, d) => s + d.seqGaps, 0),
    timersNeverFired: defects.reduce((s, d) => s + d.timersNeverFired, 0),
    eventsMissing: defects.reduce((s, d) => s + d.eventsMissing, 0),
    unexpectedEvents: defects.reduce((s, d) => s + d.unexpected, 0),
    outOfOrderCases: defects.filter((d) => d.outOfOrder).length,
  };
}

/** Whether a case was alive (reported, with work still due) while `f` was under way (until `settleMs` after it was back). */
export function exposed(reportedAt: number, lastAt: number, f: FaultWindow, settleMs: number): boolean {
  return reportedAt <= f.backAt + settleMs && lastAt >= f.at;
}

/** Whether every loss figure is zero. */
export function noLoss(f: LossFigures): boolean {
  return f.casesLost + f.eventsDuplicated + f.seqGaps + f.timersNeverFired + f.eventsMissing + f.unexpectedEvents + f.outOfOrderCases === 0;
}
