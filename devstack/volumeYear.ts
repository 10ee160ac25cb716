// A generated year of a busy district, for the assessment agreement test and bench:volume:
// a directory scaled like Gulou's and cases with event sequences as the case workflow records
// them (breaches and escalations, calls with reports and scores, extensions, review returns,
// surveys, reopenings, clock pauses, cases still open), deterministic from a seed. Written in bulk with
// multi-row INSERTs (unnest of column arrays), never through Temporal.
import type { Pool, PoolClient } from 'pg';
import type { AssessmentEvent, CallScoreRecord, UnitInfo } from '../domain/assessment/figures';
import type { CaseUnits } from '../domain/types';

export interface DirectoryScale {
  streets: number;
  communities: number;
  grids: number;
  departments: number;
}

/** Gulou's size: 10 streets, 69 communities, 150 grids, 96 departments. */
export const GULOU_SCALE: DirectoryScale = { streets: 10, communities: 69, grids: 150, departments: 96 };

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * A directory of `scale` under district `districtId` (communities and grids spread evenly);
 * unit ids start with `idPrefix` (so they can sit beside a seeded directory).
 */
export function scaledDirectory(districtId: string, scale: DirectoryScale, idPrefix = districtId): UnitInfo[] {
  const units: UnitInfo[] = [{ id: districtId, kind: 'DISTRICT', name: `${districtId} 区`, parentId: null }];
  const streets: string[] = [];
  for (let s = 1; s <= scale.streets; s++) {
    const id = `${idPrefix}-S${pad(s, 2)}`;
    streets.push(id);
    units.push({ id, kind: 'STREET', name: `街道 ${s}`, parentId: districtId });
  }
  const communities: string[] = [];
  for (let c = 1; c <= scale.communities; c++) {
    const street = streets[(c - 1) % streets.length];
    const id = `${street}-C${pad(c, 2)}`;
    communities.push(id);
    units.push({ id, kind: 'COMMUNITY', name: `社区 ${c}`, parentId: street });
  }
  for (let g = 1; g <= scale.grids; g++) {
    const community = communities[(g - 1) % communities.length];
    units.push({ id: `${community}-G${pad(g, 3)}`, kind: 'GRID', name: `网格 ${g}`, parentId: community });
  }
  for (let d = 1; d <= scale.departments; d++) {
    units.push({ id: `${idPrefix}-D${pad(d, 2)}`, kind: 'DEPARTMENT', name: `部门 ${d}`, parentId: districtId });
  }
  return units;
}

/** mulberry32: a small seeded generator (the same seed gives the same year). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One generated case: its projection row's fields, its events and its call scores. */
export interface GeneratedCase {
  code: string;
  units: CaseUnits;
  categoryCode: string;
  status: string;
  level: string;
  reportedAt: number;
  closedAt: number | null;
  /**
   * The deputy leader's list (包案): a case that climbed to the command center is, one in three,
   * on the district's deputy leader's list from its last escalation; ticked off once surveyed.
   */
  leader: { personId: string; level: string; since: number; tickedOffAt: number | null } | null;
  /** Open cases: the unit holding it and its earliest deadline. */
  assigneeUnitId: string;
  dueAt: number | null;
  overdue: boolean;
  breachCount: number;
  reopenCount: number;
  events: AssessmentEvent[];
  scores: CallScoreRecord[];
}

export interface GenerateOptions {
  seed: number;
  cases: number;
  /** Reports are spread evenly over [startMs, endMs). */
  startMs: number;
  endMs: number;
  directory: readonly UnitInfo[];
}

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The generated cases, one at a time (a year of them is never held in memory at once). */
export function* generateCases(o: GenerateOptions): Generator<GeneratedCase> {
  const r = rng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const byId = new Map(o.directory.map((u) => [u.id, u]));
  const grids = o.directory.filter((u) => u.kind === 'GRID');
  const departments = o.directory.filter((u) => u.kind === 'DEPARTMENT').map((u) => u.id);
  const districtId = o.directory.find((u) => u.kind === 'DISTRICT')!.id;
  const span = o.endMs - o.startMs;
  const dayCounts = new Map<string, number>();

  for (let i = 0; i < o.cases; i++) {
    const grid = pick(grids);
    const communityId = grid.parentId!;
    const units: CaseUnits = { districtId, streetId: byId.get(communityId)!.parentId!, communityId, gridId: grid.id };
    const reportedAt = o.startMs + Math.floor(((i + r()) / o.cases) * span);
    const day = new Date(reportedAt + 8 * HOUR).toISOString().slice(0, 10).replace(/-/g, '');
    const n = (dayCounts.get(day) ?? 0) + 1;
    dayCounts.set(day, n);
    const code = `${districtId}-${day}-${pad(n, 6)}`;

    const events: AssessmentEvent[] = [];
    const scores: CallScoreRecord[] = [];
    let t = reportedAt;
    let breaches = 0;
    let reopens = 0;
    let closedAt: number | null = null;
    const push = (type: string, unitId: string | null, level: string | null, data: Record<string, unknown> = {}) => {
      events.push({ seq: events.length + 1, type, at: t, actorId: null, actorRole: null, unitId, level, data });
      t += Math.floor(r() * 20 * HOUR) + MIN;
    };
    const onTime = () => (chance(0.03) ? null : chance(0.85));
    // The holder climbs the ladder when a window lapses.
    const ladder: Array<[string, string]> = [
      ['GRID', units.gridId],
      ['STREET', units.streetId],
      ['COMMAND_CENTER', districtId],
    ];
    let rung = 0;
    const holder = () => ladder[Math.min(rung, ladder.length - 1)];
    // The person each unit of the ladder has on this case (REPORTED / ESCALATED / RESPONDED name the assignee, as the
    // workflow records it); no random draw, so the events' timing and the figures are those of before.
    const personOf = (unitId: string) => `${unitId}-p${i % 3}`;
    const breach = (kind: string) => {
      breaches += 1;
      push('BREACHED', holder()[1], holder()[0], { kind, windowId: `W-${events.length}` });
      if (rung < ladder.length - 1) {
        const from = holder()[0];
        rung += 1;
        push('ESCALATED', holder()[1], holder()[0], { from, to: holder()[0], cause: 'BREACH', assigneeId: personOf(holder()[1]) });
      }
    };
    const filler = () => {
      if (chance(0.5)) push('REMINDED', holder()[1], holder()[0], { kind: 'ACCEPT' });
      if (chance(0.4)) push('EVIDENCE_UPLOADED', holder()[1], holder()[0], { callId: null, kind: 'PHOTO' });
    };
    // Cases reported late in the year are often still open: they stop after a few steps.
    const stopAfter = chance(0.08) ? 2 + Math.floor(r() * 12) : Infinity;
    let calls = 0;
    let extensions = 0;

    const run = (): void => {
      push('REPORTED', units.gridId, 'GRID', { triage: 'BIG', categoryCode: 'CG-001', assigneeId: personOf(units.gridId) });
      filler();
      if (chance(0.1)) breach('ACCEPT');
      push('ACCEPTED', holder()[1], holder()[0], { onTime: onTime() });
      if (events.length >= stopAfter) return;
      if (chance(0.05)) {
        push('GUIDANCE_GIVEN', holder()[1], holder()[0], { onTime: onTime(), guidance: 'g' });
        closedAt = t;
        push('CLOSED', null, holder()[0], { resolution: 'GUIDANCE', handlerUnitId: holder()[1], handlerLevel: holder()[0] });
        return;
      }
      if (chance(0.08)) breach('RESPONSE');
      const decision = chance(0.2) ? 'DEPARTMENTS' : chance(0.3) ? 'COMMUNITY' : 'SELF';
      push('RESPONDED', holder()[1], holder()[0], { decision, onTime: onTime(), assigneeId: personOf(decision === 'COMMUNITY' ? units.communityId : holder()[1]) });
      let handler = decision === 'COMMUNITY' ? units.communityId : holder()[1];
      for (let round = 0; round < 3; round++) {
        filler();
        if (decision === 'DEPARTMENTS' || chance(0.1)) {
          const callCount = 1 + (chance(0.3) ? 1 : 0);
          for (let k = 0; k < callCount; k++) {
            const callId = `CALL-${++calls}`;
            const dept = pick(departments);
            const reportBy = t + 24 * HOUR;
            push('DEPARTMENT_CALLED', dept, holder()[0], { callId, departmentId: dept, reportBy, place: 'p', instructions: null });
            if (events.length >= stopAfter) return;
            if (chance(0.85)) push('DEPARTMENT_REPORTED', dept, holder()[0], { callId, late: chance(0.15), reportBy });
            else if (chance(0.5)) breach('REPORT');
            if (chance(0.6)) {
              scores.push({
                caseCode: code, callId, direction: 'STREET_TO_DEPT', fromUnitId: units.streetId, toUnitId: dept,
                cooperation: 1 + Math.floor(r() * 5), professionalism: chance(0.1) ? null : 1 + Math.floor(r() * 5), accurate: null, at: t,
              });
            }
            if (chance(0.5)) {
              scores.push({
                caseCode: code, callId, direction: 'DEPT_TO_STREET', fromUnitId: dept, toUnitId: ladder[Math.min(rung, 1)][1],
                cooperation: null, professionalism: null, accurate: chance(0.8), at: t,
              });
            }
            t += HOUR;
          }
        }
        if (chance(0.1)) {
          const requestId = `EXT-${++extensions}`;
          push('EXTENSION_REQUESTED', handler, holder()[0], { requestId, days: 3, approverLevel: 'STREET' });
          // A case that stops here waits for the decision: a pending request in the inbox.
          if (events.length >= stopAfter) return;
          if (chance(0.6)) push('EXTENSION_APPROVED', units.streetId, 'STREET', { requestId });
          else push('EXTENSION_REJECTED', units.streetId, 'STREET', { requestId });
        }
        if (events.length >= stopAfter) return;
        if (chance(0.08)) {
          breach('COMPLETION');
          handler = holder()[1];
        }
        push('RESULT_SUBMITTED', handler, holder()[0], { summary: 's' });
        push('REVIEW_REQUESTED', null, holder()[0], { handlerUnitId: handler, handlerLevel: holder()[0], onTime: onTime() });
        if (events.length >= stopAfter) return;
        if (chance(0.12)) {
          push('REVIEW_RETURNED', districtId, 'COMMAND_CENTER', { reason: 'r' });
          push('REVIEW_REQUESTED', null, holder()[0], { handlerUnitId: handler, handlerLevel: holder()[0], onTime: chance(0.6) });
        }
        if (chance(0.5)) push('REVIEWED_CLOSED', districtId, 'COMMAND_CENTER', { reason: 'ok' });
        closedAt = t;
        // A few closings record no handler in data: the unit of the event stands for it.
        if (chance(0.02)) push('CLOSED', handler, holder()[0], { resolution: 'RESOLVED' });
        else push('CLOSED', null, holder()[0], { resolution: 'RESOLVED', handlerUnitId: handler, handlerLevel: holder()[0] });
        if (events.length >= stopAfter) return;
        if (chance(0.15)) {
          push('SURVEY_UNREACHABLE', districtId, 'COMMAND_CENTER', { policy: pick(['NEUTRAL', 'NEUTRAL', 'SATISFIED', 'EXCLUDED']) });
          return;
        }
        if (chance(0.08)) return; // awaiting its survey
        const satisfaction = pick(['SATISFIED', 'SATISFIED', 'SATISFIED', 'BASICALLY_SATISFIED', 'UNSATISFIED']);
        push('SURVEY_RECORDED', districtId, 'COMMAND_CENTER', { satisfaction, solved: satisfaction !== 'UNSATISFIED' && chance(0.95), comment: null, channel: 'PHONE' });
        if (satisfaction !== 'UNSATISFIED' || chance(0.4)) return;
        reopens += 1;
        closedAt = null;
        push('REOPENED', districtId, 'COMMAND_CENTER', { reopenCount: reopens });
      }
    };
    run();
    const last = events[events.length - 1].type;
    const status = last === 'SURVEY_RECORDED' || last === 'SURVEY_UNREACHABLE' ? 'SURVEYED' : last === 'CLOSED' ? 'CLOSED' : last === 'REVIEW_REQUESTED' ? 'PENDING_REVIEW' : 'IN_PROGRESS';
    const open = status === 'IN_PROGRESS' || status === 'PENDING_REVIEW';
    const dueAt = open ? t + Math.floor((r() - 0.3) * 5 * 24 * HOUR) : null;
    // No random draw here: the events (and so the assessment's figures) are those of before.
    const climbedAt = rung === ladder.length - 1 ? [...events].reverse().find((e) => e.type === 'ESCALATED')?.at ?? null : null;
    const leader = climbedAt !== null && i % 3 === 0
      ? { personId: `p-deputy-${districtId}`, level: 'DEPUTY_LEADER', since: climbedAt, tickedOffAt: status === 'SURVEYED' ? t : null }
      : null;
    withPauses(events, i, units);
    yield {
      code, units, categoryCode: `CG-${pad(1 + (i % 40), 3)}`, status, level: holder()[0], reportedAt, closedAt, leader,
      assigneeUnitId: holder()[1], dueAt, overdue: dueAt !== null && dueAt < t, breachCount: breaches, reopenCount: reopens, events, scores };
  }
}

/**
 * Clock pauses (domain/pause) on a third of the cases that got a first response, placed between the
 * response and the next fact without a random draw (the rest of the case, its timing and its other
 * figures stay as they were): the holder asks to pause its completion clock, and the level above
 * approves it — the pause then ends with the minutes it moved the deadline by (some fractional, as
 * on a wall clock) — or refuses it, or the request is withdrawn (its window closed first); some
 * requests climb to the next approver first, some cases ask twice. Sequence numbers follow.
 */
function withPauses(events: AssessmentEvent[], i: number, units: CaseUnits): void {
  const k = events.findIndex((e) => e.type === 'RESPONDED');
  if (k < 0 || i % 3 !== 1) return;
  const responded = events[k];
  const asker = responded.data.decision === 'COMMUNITY' ? units.communityId : responded.unitId;
  const level = responded.data.decision === 'COMMUNITY' ? 'COMMUNITY' : responded.level;
  const gap = k + 1 < events.length ? events[k + 1].at - responded.at : HOUR;
  const added: AssessmentEvent[] = [];
  const add = (type: string, unitId: string | null, data: Record<string, unknown>) =>
    added.push({ seq: 0, type, at: 0, actorId: null, actorRole: null, unitId, level, data });
  const ask = (n: number, outcome: number) => {
    const pauseId = `PAUSE-${k + 2 + n * 4}`;
    add('PAUSE_REQUESTED', asker, { pauseId, windowKind: 'COMPLETION', reasonKind: 'THIRD_PARTY', reason: 'r', until: null, approverLevel: 'STREET' });
    if (outcome === 3) add('PAUSE_ESCALATED', null, { pauseId, approverLevel: 'COMMAND_CENTER' });
    if (outcome === 1) add('PAUSE_REJECTED', asker, { pauseId, windowKind: 'COMPLETION', reason: 'no', withdrawn: false });
    else if (outcome === 2) add('PAUSE_REJECTED', asker, { pauseId, windowKind: 'COMPLETION', reason: 'the window closed', withdrawn: true });
    else {
      add('PAUSE_APPROVED', asker, { pauseId, windowKind: 'COMPLETION', reason: 'ok', until: null, dueAt: responded.at });
      const minutes = i % 4 === 2 ? 37.5 : 60 + (i % 541);
      add('PAUSE_ENDED', asker, { pauseId, windowKind: 'COMPLETION', cause: 'RESUMED', minutes, pausedAt: responded.at, endedAt: responded.at });
    }
  };
  const outcome = Math.floor(i / 3) % 4; // 0 approved, 1 refused, 2 withdrawn, 3 escalated then approved
  ask(0, outcome);
  if (i % 9 === 4) ask(1, (outcome + 1) % 4);
  added.forEach((e, n) => (e.at = responded.at + Math.floor(((n + 1) * gap) / (added.length + 1))));
  events.splice(k + 1, 0, ...added);
  events.forEach((e, n) => (e.seq = n + 1));
}

type Sql = Pick<Pool | PoolClient, 'query'>;

/** Insert the directory's units (parents first, as listed); a unit already there (a seeded district) is kept. */
export async function insertDirectory(db: Sql, units: readonly UnitInfo[]): Promise<void> {
  await db.query(
    `INSERT INTO "OrgUnit" (id, kind, name, "parentId")
     SELECT u.id, u.kind::"UnitKind", u.name, u.parent FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, kind, name, parent)
     ON CONFLICT (id) DO NOTHING`,
    [units.map((u) => u.id), units.map((u) => u.kind), units.map((u) => u.name), units.map((u) => u.parentId)],
  );
}

/** Insert a batch of generated cases with their events and scores: three statements. */
export async function insertCases(db: Sql, batch: readonly GeneratedCase[]): Promise<void> {
  const col = <T>(f: (c: GeneratedCase) => T) => batch.map(f);
  await db.query(
    `INSERT INTO "Case" (code, "workflowId", channel, "categoryCode", triage, "districtId", "streetId", "communityId", "gridId", description,
                         status, level, "reportedAt", "closedAt", "breachCount", "reopenCount", version, "updatedAt",
                         "assigneeUnitId", "dueAt", overdue, "leaderId", "leaderLevel", "leaderSince", "leaderTickedAt")
     SELECT c.code, c.code, 'HOTLINE', c.cat, 'BIG', c.d, c.s, c.cm, c.g, 'generated case', c.status, c.level,
            to_timestamp(c.rep / 1000.0), to_timestamp(c.clo / 1000.0), c.br, c.ro, c.v, to_timestamp(c.rep / 1000.0),
            c.asg, to_timestamp(c.due / 1000.0), c.ovd, c.lid, c.llv, to_timestamp(c.lsi / 1000.0), to_timestamp(c.ltk / 1000.0)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::float8[], $11::int[], $12::int[], $13::int[],
                 $14::text[], $15::float8[], $16::boolean[], $17::text[], $18::text[], $19::float8[], $20::float8[])
       AS c(code, cat, d, s, cm, g, status, level, rep, clo, br, ro, v, asg, due, ovd, lid, llv, lsi, ltk)`,
    [
      col((c) => c.code), col((c) => c.categoryCode), col((c) => c.units.districtId), col((c) => c.units.streetId),
      col((c) => c.units.communityId), col((c) => c.units.gridId), col((c) => c.status), col((c) => c.level),
      col((c) => c.reportedAt), col((c) => c.closedAt), col((c) => c.breachCount), col((c) => c.reopenCount), col((c) => c.events.length),
      col((c) => c.assigneeUnitId), col((c) => c.dueAt), col((c) => c.overdue),
      col((c) => c.leader?.personId ?? null), col((c) => c.leader?.level ?? null), col((c) => c.leader?.since ?? null), col((c) => c.leader?.tickedOffAt ?? null),
    ],
  );
  const events = batch.flatMap((c) => c.events.map((e) => ({ code: c.code, e })));
  await db.query(
    `INSERT INTO "CaseEvent" ("caseCode", seq, type, at, "actorId", "actorRole", "unitId", level, data)
     SELECT e.code, e.seq, e.type, to_timestamp(e.at / 1000.0), e.actor, e.role, e.unit, e.level, e.data::jsonb
     FROM unnest($1::text[], $2::int[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
       AS e(code, seq, type, at, actor, role, unit, level, data)`,
    [
      events.map((x) => x.code), events.map((x) => x.e.seq), events.map((x) => x.e.type), events.map((x) => x.e.at),
      events.map((x) => x.e.actorId), events.map((x) => x.e.actorRole), events.map((x) => x.e.unitId), events.map((x) => x.e.level),
      events.map((x) => JSON.stringify(x.e.data)),
    ],
  );
  const scores = batch.flatMap((c) => c.scores);
  if (scores.length === 0) return;
  await db.query(
    `INSERT INTO "CallScore" ("caseCode", "callId", direction, "fromUnitId", "toUnitId", cooperation, professionalism, accurate, "scoredBy", at)
     SELECT s.code, s.call, s.dir::"CallScoreDirection", s.f, s.t, s.co, s.pr, s.ac, 'generated', to_timestamp(s.at / 1000.0)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::boolean[], $9::float8[])
       AS s(code, call, dir, f, t, co, pr, ac, at)`,
    [
      scores.map((s) => s.caseCode), scores.map((s) => s.callId), scores.map((s) => s.direction), scores.map((s) => s.fromUnitId),
      scores.map((s) => s.toUnitId), scores.map((s) => s.cooperation), scores.map((s) => s.professionalism), scores.map((s) => s.accurate),
      scores.map((s) => s.at),
    ],
  );
}
