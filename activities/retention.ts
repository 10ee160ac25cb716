// The retention activity: anonymise the reporters of cases closed longer than the configured
// period (features/privacy/retention.ts). Idempotent: an anonymised case is skipped.
import type { PayloadCodec } from '@temporalio/common';
import { anonymiseExpiredCases, type RetentionDeps } from '../features/privacy/retention';
import type { RetentionActivities } from '../workflows/activityContract';

export function createRetentionActivities(deps: { db: RetentionDeps['db']; codec: PayloadCodec | null; retentionDays: number }): RetentionActivities {
  return {
    async anonymiseExpiredPersonalData({ now }) {
      const r = await anonymiseExpiredCases(deps, { now });
      return { cutoff: r.cutoff, cases: r.cases.length, archivedRunsRewritten: r.archivedRunsRewritten, payloadsRewritten: r.payloadsRewritten, more: r.more };
    },
  };
}
