// Activities by dependency injection: the worker passes the real database and
// webhooks; tests may pass their own.
import type { Db } from '../platform/db';
import type { CalendarSnapshot } from '../domain/types';
import { makeDeliverNotifications, type WebhookOptions } from './deliverNotifications';
import { makeRecordCase, recordingLocally, type RecordCaseOptions } from './recordCase';
import type { CaseActivities } from '../workflows/activityContract';

export interface ActivityDeps {
  db: Db;
  webhooks: WebhookOptions;
  loadCalendar: () => Promise<CalendarSnapshot>;
  archiveCaseHistory: CaseActivities['archiveCaseHistory'];
  /** Starts a case's history archiver (idempotent; RecordCaseOptions). Omitted: histories are not archived. */
  startArchiver?: (code: string, beforeRunId?: string) => Promise<void>;
  /** Told of every event row a recording inserted (the worker's counters; RecordCaseOptions). */
  onRecorded?: RecordCaseOptions['onInserted'];
}

export function createActivities(deps: ActivityDeps): CaseActivities {
  const recordCase = makeRecordCase(deps.db, {
    deliver: deps.webhooks.urls.length > 0,
    ...(deps.startArchiver ? { startArchiver: deps.startArchiver } : {}),
    ...(deps.onRecorded ? { onInserted: deps.onRecorded } : {}),
  });
  return {
    recordCase,
    recordCaseLocally: recordingLocally(recordCase),
    deliverNotifications: makeDeliverNotifications(deps.db, deps.webhooks),
    loadCalendar: deps.loadCalendar,
    archiveCaseHistory: deps.archiveCaseHistory,
  };
}

export type { CaseActivities } from '../workflows/activityContract';
