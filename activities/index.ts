// Activities by dependency injection: the worker passes the real database and
// webhooks; tests may pass their own.
import type { Db } from '../lib/db';
import type { CalendarSnapshot } from '../domain/types';
import { makeDeliverNotifications, type WebhookOptions } from './deliverNotifications';
import { makeRecordCase } from './recordCase';
import type { CaseActivities } from './types';

export interface ActivityDeps {
  db: Db;
  webhooks: WebhookOptions;
  loadCalendar: () => Promise<CalendarSnapshot>;
}

export function createActivities(deps: ActivityDeps): CaseActivities {
  return {
    recordCase: makeRecordCase(deps.db, { deliver: deps.webhooks.urls.length > 0 }),
    deliverNotifications: makeDeliverNotifications(deps.db, deps.webhooks),
    loadCalendar: deps.loadCalendar,
  };
}

export type { CaseActivities } from './types';
