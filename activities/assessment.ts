// The assessment's activity: compute a period's figures from the database and publish them
// as a new snapshot version. Kept apart from the case activities: it needs only the database.
import type { AssessmentDb } from '../features/assessment/store';
import { publishSnapshot } from '../features/assessment/store';
import type { AssessmentActivities } from '../workflows/activityContract';

/** The assessment activities over a database (the worker merges them with the case activities). */
export function createAssessmentActivities(deps: { db: AssessmentDb }): AssessmentActivities {
  return {
    async computeAssessmentSnapshot({ period, requestId }) {
      const { snapshot, created } = await publishSnapshot(deps.db, { period, requestId: requestId ?? null, publishedBy: 'schedule' });
      return { period: snapshot.period, version: snapshot.version, created, cases: snapshot.figures.totals.cases, asOf: snapshot.asOf.toISOString() };
    },
  };
}
