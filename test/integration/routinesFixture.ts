// Cases written straight into a database for the routines suites (end-of-day sweep, leaders'
// board): a Case row and its facts as the recorder writes them, at pinned instants.
import type { Db } from '../../platform/db';

export interface FixtureFact {
  type: string;
  at: string;
  unitId?: string | null;
  level?: string | null;
  data?: Record<string, unknown>;
}

export interface FixtureCase {
  code: string;
  /** A seed grid id such as GL-S01-C01-G01 (its community and street are read off the id). */
  gridId: string;
  status: string;
  level?: string;
  reportedAt: string;
  urgent?: boolean;
  dueAt?: string | null;
  overdue?: boolean;
  closedAt?: string | null;
  /** The hazard path's two-hour promise and its 消险 (Case.hazardDueAt/hazardClearedAt), on urgent cases started with site steps. */
  hazardDueAt?: string | null;
  hazardClearedAt?: string | null;
  /** Facts after REPORTED (seq 2, 3, …). */
  facts?: FixtureFact[];
}

export async function insertCases(db: Db, cases: readonly FixtureCase[]): Promise<void> {
  for (const c of cases) {
    const [d, s, cm] = c.gridId.split('-');
    const units = { districtId: d, streetId: `${d}-${s}`, communityId: `${d}-${s}-${cm}`, gridId: c.gridId };
    const facts: FixtureFact[] = [
      { type: 'REPORTED', at: c.reportedAt, level: 'GRID', data: { channel: 'HOTLINE', categoryCode: 'CG-001', triage: 'BIG', urgent: c.urgent ?? false, assigneeId: null, windows: [] } },
      ...(c.facts ?? []),
    ];
    await db.case.create({
      data: {
        code: c.code,
        workflowId: c.code,
        channel: 'HOTLINE',
        categoryCode: 'CG-001',
        triage: 'BIG',
        ...units,
        description: 'routines fixture',
        status: c.status,
        level: c.level ?? 'GRID',
        assigneeUnitId: c.gridId,
        reportedAt: new Date(c.reportedAt),
        dueAt: c.dueAt ? new Date(c.dueAt) : null,
        overdue: c.overdue ?? false,
        closedAt: c.closedAt ? new Date(c.closedAt) : null,
        hazardDueAt: c.hazardDueAt ? new Date(c.hazardDueAt) : null,
        hazardClearedAt: c.hazardClearedAt ? new Date(c.hazardClearedAt) : null,
        version: facts.length,
      },
    });
    await db.caseEvent.createMany({
      data: facts.map((f, i) => ({ caseCode: c.code, seq: i + 1, type: f.type, at: new Date(f.at), unitId: f.unitId ?? null, level: f.level ?? null, data: (f.data ?? {}) as object })),
    });
  }
}
