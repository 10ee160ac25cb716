// The fan-out's activity: which open cases an administrative change reaches (features/fanout).
// The workflow signals them itself (workflows/fanOutWorkflow.ts).
import { listFanOutCases, type FanOutDb } from '../features/fanout/fanOut';
import type { FanOutActivities } from '../workflows/activityContract';

export function createFanOutActivities(deps: { db: FanOutDb }): FanOutActivities {
  return {
    listFanOutCases: (input) => listFanOutCases(deps.db, input),
  };
}
