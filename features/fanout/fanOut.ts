// Running cases follow the directory and the calendar. An administrative change (features/admin)
// starts one fan-out workflow (workflows/fanOutWorkflow.ts) that signals every open case it
// affects; this module starts it and answers its activity's question, "which open cases, and
// who holds each level of their place now".
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Db } from '../../platform/db';
import type { CaseUnits, LevelDirectory } from '../../domain/types';
import type { FanOutKind, FanOutPage, ListFanOutCasesInput } from '../../workflows/activityContract';
import { FAN_OUT_WORKFLOW_TYPE, type FanOutInput } from '../../workflows/fanOutWorkflow';
import { levelDirectory } from '../directory/directory';

export type FanOutDb = Pick<Db, 'case' | 'person' | 'orgUnit' | 'matterCategory' | 'calendarSetting' | 'calendarDay'>;

/** Statuses of a case that nobody works on any more (the survey, if any, is the command center's). */
const ENDED = ['CLOSED', 'SURVEYED'];

/** The fan-out workflow of one change: the same change never fans out twice. */
export function fanOutWorkflowId(kind: FanOutKind, changeId: string): string {
  return `fanout:${kind.toLowerCase()}:${changeId}`;
}

export interface FanOutStarted {
  workflowId: string;
  /** False when a fan-out of this change had already been started (running or finished): nothing new happens. */
  started: boolean;
}

export interface DirectoryFanOutRequest {
  /** The task queue of the case workers (AppConfig.TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  /** The AdminChange id. */
  changeId: string;
  /** People deactivated, moved, or given a post: the cases they hold and every case in their (current) unit. */
  personIds?: string[];
  /** Units whose post changed; for a move, both the old and the new unit. */
  unitIds?: string[];
  /** Recorded in each case's REASSIGNED fact, e.g. "grid worker p-grid-1 deactivated". */
  reason?: string;
  /** Only cases whose code starts with this (e.g. `${cfg.CASE_CODE_PREFIX}-`); default all. */
  codePrefix?: string;
}

export interface CalendarFanOutRequest {
  taskQueue: string;
  changeId: string;
  /** The year whose schedule was imported or changed. */
  year: number;
  /** Only cases whose code starts with this (e.g. `${cfg.CASE_CODE_PREFIX}-`); default all. */
  codePrefix?: string;
}

/**
 * Reassign the open cases a directory change affects: each is signalled (directoryChanged) with
 * the people now at every level of its place, records REASSIGNED for each level that changed,
 * and moves to the new person if that level holds it. Call after the change is committed.
 */
export async function startDirectoryFanOut(temporal: Client, req: DirectoryFanOutRequest): Promise<FanOutStarted> {
  if (!req.personIds?.length && !req.unitIds?.length) throw new Error('startDirectoryFanOut: name at least one person or unit');
  return start(temporal, req.taskQueue, {
    kind: 'DIRECTORY',
    changeId: req.changeId,
    ...(req.personIds?.length ? { personIds: req.personIds } : {}),
    ...(req.unitIds?.length ? { unitIds: req.unitIds } : {}),
    ...(req.reason !== undefined ? { reason: req.reason } : {}),
    ...(req.codePrefix ? { codePrefix: req.codePrefix } : {}),
  });
}

/**
 * Re-plan every open case on the working calendar as it is now. The fan-out reads the calendar
 * once, with the loader intake uses (features/directory loadCalendar, through the worker's
 * loadCalendar activity, uncached), and signals it (calendarChanged) to every open case.
 * Call after the year's CalendarDay rows are committed.
 */
export async function startCalendarFanOut(temporal: Client, req: CalendarFanOutRequest): Promise<FanOutStarted> {
  return start(temporal, req.taskQueue, { kind: 'CALENDAR', changeId: req.changeId, year: req.year, ...(req.codePrefix ? { codePrefix: req.codePrefix } : {}) });
}

async function start(temporal: Client, taskQueue: string, input: FanOutInput): Promise<FanOutStarted> {
  const workflowId = fanOutWorkflowId(input.kind, input.changeId);
  try {
    await temporal.workflow.start(FAN_OUT_WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [input],
      // A second start of the same change, running or finished, is refused: the first one stands.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (err) {
    if ((err as { name?: string }).name === 'WorkflowExecutionAlreadyStartedError') return { workflowId, started: false };
    throw err;
  }
  return { workflowId, started: true };
}

/**
 * One page of the open cases a change affects, by case code (the fan-out's activity). For a
 * directory change each case comes with the person now at every level of its place (one
 * lookup per distinct place on the page).
 */
export async function listFanOutCases(db: FanOutDb, input: ListFanOutCasesInput): Promise<FanOutPage> {
  const asOf = Date.now();
  const code = { ...(input.after !== null ? { gt: input.after } : {}), ...(input.codePrefix ? { startsWith: input.codePrefix } : {}) };
  const open = { status: { notIn: ENDED }, ...(Object.keys(code).length ? { code } : {}) };
  if (input.kind === 'CALENDAR') {
    const rows = await db.case.findMany({ where: open, select: { code: true }, orderBy: { code: 'asc' }, take: input.limit });
    return { cases: rows.map((r) => ({ code: r.code })), asOf };
  }
  // A directory change also reaches a closed case still on a leader's list (not ticked off): its
  // item follows the post (LeaderListPolicy.followsPost).
  const live = {
    OR: [{ status: { notIn: ENDED } }, { leaderLevel: { not: null }, leaderTickedAt: null }],
    ...(Object.keys(code).length ? { code } : {}),
  };
  const personIds = input.personIds ?? [];
  // A person's own unit reaches every case whose snapshot names them there (a district post
  // reaches the district's cases); the cases they hold are found by the assignee too.
  const people = personIds.length ? await db.person.findMany({ where: { id: { in: personIds } }, select: { unitId: true } }) : [];
  const units = [...new Set([...(input.unitIds ?? []), ...people.map((p) => p.unitId)])];
  const rows = await db.case.findMany({
    where: {
      ...live,
      AND: {
        OR: [
          ...(personIds.length ? [{ assigneeId: { in: personIds } }, { leaderId: { in: personIds } }] : []),
          ...(units.length ? [{ gridId: { in: units } }, { communityId: { in: units } }, { streetId: { in: units } }, { districtId: { in: units } }] : []),
        ],
      },
    },
    select: { code: true, districtId: true, streetId: true, communityId: true, gridId: true },
    orderBy: { code: 'asc' },
    take: input.limit,
  });
  const byPlace = new Map<string, Promise<LevelDirectory>>();
  const cases = await Promise.all(
    rows.map(async (r) => {
      const place: CaseUnits = { districtId: r.districtId, streetId: r.streetId, communityId: r.communityId, gridId: r.gridId };
      const key = `${place.districtId}|${place.streetId}|${place.communityId}|${place.gridId}`;
      if (!byPlace.has(key)) byPlace.set(key, levelDirectory(db, place));
      return { code: r.code, directory: await byPlace.get(key)! };
    }),
  );
  return { cases, asOf };
}

/** The part of an AdminChange row (features/admin, written by afterDirectoryChange) a fan-out needs. */
export interface AdminChangeRef {
  id: bigint | number | string;
  entityKind: string;
  entityId: string;
  action: string;
  unitIds: readonly string[];
  personIds: readonly string[];
}

/**
 * Start the fan-out an administrative change calls for, once its transaction has committed:
 * people and units → the directory fan-out over the row's personIds and unitIds; a calendar
 * year or the office hours → the calendar fan-out; the catalog → none (a case's policy is
 * frozen at intake by design). Returns null when the change reaches no running case.
 */
export async function startFanOutForChange(temporal: Client, o: { taskQueue: string; codePrefix?: string }, change: AdminChangeRef): Promise<FanOutStarted | null> {
  const changeId = String(change.id);
  const scope = { taskQueue: o.taskQueue, changeId, ...(o.codePrefix ? { codePrefix: o.codePrefix } : {}) };
  switch (change.entityKind) {
    case 'PERSON':
    case 'UNIT':
      if (!change.personIds.length && !change.unitIds.length) return null;
      return startDirectoryFanOut(temporal, {
        ...scope,
        personIds: [...change.personIds],
        unitIds: [...change.unitIds],
        reason: `${change.entityKind.toLowerCase()} ${change.entityId} ${change.action.toLowerCase()} (change ${changeId})`,
      });
    case 'CALENDAR_YEAR':
      return startCalendarFanOut(temporal, { ...scope, year: Number(change.entityId) });
    case 'OFFICE_HOURS':
      return startCalendarFanOut(temporal, { ...scope, year: new Date().getUTCFullYear() });
    default:
      return null;
  }
}
