// The end-of-day sweep's activity (features/routines/endOfDay.ts). Idempotent: one sweep per date.
import { recordEndOfDaySweep } from '../features/routines/endOfDay';
import type { Db } from '../platform/db';
import type { EndOfDayActivities } from '../workflows/activityContract';

export function createEndOfDayActivities(deps: { db: Db }): EndOfDayActivities {
  return {
    recordEndOfDaySweep: (input) => recordEndOfDaySweep(deps.db, input),
  };
}
