// The assessment's activity: compute a period's figures from the database and publish them
// as a new snapshot version. Kept apart from the case activities: it needs only the database.
import type { AssessmentDb } from '../features/assessment/store';
import { publishSnapshot } from '../features/assessment/store';

export interface ComputeSnapshotInput {
  /** 2026-11, 2026-Q4 or 2026. */
  period: string;
  /** Idempotency key: a retried activity returns the snapshot its first attempt published. */
  requestId?: string;
}

export interface ComputeSnapshotResult {
  period: string;
  version: number;
  /** False when `requestId` had already published this snapshot. */
  created: boolean;
  cases: number;
  asOf: string;
}

/** Activity contracts, imported by the workflow as a type only. */
export interface AssessmentActivities {
  computeAssessmentSnapshot(input: ComputeSnapshotInput): Promise<ComputeSnapshotResult>;
}

/** The assessment activities over a database (the worker merges them with the case activities). */
export function createAssessmentActivities(deps: { db: AssessmentDb }): AssessmentActivities {
  return {
    async computeAssessmentSnapshot({ period, requestId }) {
      const { snapshot, created } = await publishSnapshot(deps.db, { period, requestId: requestId ?? null, publishedBy: 'schedule' });
      return { period: snapshot.period, version: snapshot.version, created, cases: snapshot.figures.totals.cases, asOf: snapshot.asOf.toISOString() };
    },
  };
}
