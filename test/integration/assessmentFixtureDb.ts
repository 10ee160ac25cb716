// Writes the hand-computed assessment fixture (test/fixtures/assessmentCases.ts) into a
// real database: units, Case rows, CaseEvent rows exactly as the recorder writes them,
// and call scores. Used by the assessment integration suites on their own databases.
import type { Db } from '../../platform/db';
import { FIXTURE_CASES, FIXTURE_SCORES, FIXTURE_UNITS } from '../fixtures/assessmentCases';
import type { CallScoreRecord } from '../../domain/assessment/figures';

/** Insert the fixture; `scores` defaults to every fixture score. */
export async function insertAssessmentFixture(db: Db, scores: readonly CallScoreRecord[] = FIXTURE_SCORES): Promise<void> {
  for (const u of FIXTURE_UNITS) {
    await db.orgUnit.upsert({ where: { id: u.id }, create: { id: u.id, kind: u.kind, name: u.name, parentId: u.parentId }, update: {} });
  }
  for (const c of FIXTURE_CASES) {
    const reported = c.events.find((e) => e.type === 'REPORTED')!;
    const last = c.events[c.events.length - 1];
    await db.case.create({
      data: {
        code: c.code,
        workflowId: c.code,
        channel: 'HOTLINE',
        categoryCode: 'CG-001',
        triage: 'BIG',
        districtId: c.units.districtId,
        streetId: c.units.streetId,
        communityId: c.units.communityId,
        gridId: c.units.gridId,
        description: 'assessment fixture',
        status: 'IN_PROGRESS',
        level: 'GRID',
        reportedAt: new Date(reported.at),
        version: last.seq,
      },
    });
    await db.caseEvent.createMany({
      data: c.events.map((e) => ({
        caseCode: c.code,
        seq: e.seq,
        type: e.type,
        at: new Date(e.at),
        actorId: e.actorId,
        actorRole: e.actorRole,
        unitId: e.unitId,
        level: e.level,
        data: e.data as object,
      })),
    });
  }
  for (const s of scores) {
    await db.callScore.create({
      data: {
        caseCode: s.caseCode,
        callId: s.callId,
        direction: s.direction,
        fromUnitId: s.fromUnitId,
        toUnitId: s.toUnitId,
        cooperation: s.cooperation,
        professionalism: s.professionalism,
        accurate: s.accurate,
        scoredBy: `p-${s.fromUnitId}`,
        at: new Date(s.at),
      },
    });
  }
}
