// Shared fixture for case-workflow tests on the time-skipping server: a demo
// place, a policy from the default configuration, and in-memory activities that
// keep what the workflow persisted so tests can assert on the recorded facts.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../config/env';
import { defaultCalendar } from '../../domain/calendar';
import type { Actor, Assignment, CaseEventRecord, CaseUnits, Level, LevelDirectory, NotificationRecord } from '../../domain/types';
import { newCaseOptions } from '../../features/intake/intake';
import { buildCasePolicy } from '../../domain/policy';
import { recordingLocally } from '../../activities/recordCase';
import type { CaseActivities, CaseProjection, RecordCaseInput } from '../../workflows/activityContract';
import { getCaseStateQuery, type CaseOptions, type CaseState, type CaseWorkflowInput } from '../../workflows/messages';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { startLocalEnv, startTimeSkippingEnv } from '../../devstack/testServers';
import { CASE_BUNDLER_OPTIONS, CASE_WORKFLOWS_PATH } from '../../platform/workflowCode';

export const UNITS: CaseUnits = { districtId: 'GL', streetId: 'GL-S01', communityId: 'GL-S01-C01', gridId: 'GL-S01-C01-G01' };

export const DIRECTORY: LevelDirectory = {
  GRID: { level: 'GRID', unitId: UNITS.gridId, personId: 'p-grid', personName: '网格员' },
  COMMUNITY: { level: 'COMMUNITY', unitId: UNITS.communityId, personId: 'p-community', personName: '社区' },
  STREET: { level: 'STREET', unitId: UNITS.streetId, personId: 'p-street', personName: '街道' },
  COMMAND_CENTER: { level: 'COMMAND_CENTER', unitId: 'GL', personId: 'p-cc', personName: '指挥中心' },
  DEPUTY_LEADER: { level: 'DEPUTY_LEADER', unitId: 'GL', personId: 'p-deputy', personName: '分管领导' },
  PRINCIPAL_LEADER: { level: 'PRINCIPAL_LEADER', unitId: 'GL', personId: 'p-principal', personName: '主要领导' },
};

export const DEPARTMENTS: Record<string, Assignment> = {
  'GL-D-CG': { level: 'STREET', unitId: 'GL-D-CG', personId: 'p-dept-cg', personName: '城管' },
  'GL-D-SJ': { level: 'STREET', unitId: 'GL-D-SJ', personId: 'p-dept-sj', personName: '市场监管' },
};

export const ACTORS = {
  grid: { personId: 'p-grid', role: 'GRID_WORKER', unitId: UNITS.gridId },
  otherGrid: { personId: 'p-grid-2', role: 'GRID_WORKER', unitId: 'GL-S01-C01-G02' },
  community: { personId: 'p-community', role: 'COMMUNITY_WORKER', unitId: UNITS.communityId },
  street: { personId: 'p-street', role: 'STREET_DISPATCHER', unitId: UNITS.streetId },
  cc: { personId: 'p-cc', role: 'COMMAND_CENTER', unitId: 'GL' },
  deputy: { personId: 'p-deputy', role: 'DEPUTY_LEADER', unitId: 'GL' },
  principal: { personId: 'p-principal', role: 'PRINCIPAL_LEADER', unitId: 'GL' },
  cg: { personId: 'p-dept-cg', role: 'DEPARTMENT_OFFICER', unitId: 'GL-D-CG' },
  sj: { personId: 'p-dept-sj', role: 'DEPARTMENT_OFFICER', unitId: 'GL-D-SJ' },
  auditor: { personId: 'p-audit', role: 'AUDITOR', unitId: 'GL' },
} satisfies Record<string, Actor>;

export const cfg = loadConfig({ NODE_ENV: 'test' });

let counter = 0;

/** A new case's workflow input, reported at `reportedAt`. */
export function caseInput(
  reportedAt: number,
  // legacy: the options of the first cases; noRunArchive: of cases started before CaseOptions.archiveEarlierRuns.
  o: { startLevel?: Level; urgent?: boolean; completionDays?: number; triage?: 'BIG' | 'SMALL' | 'PRIVATE'; legacy?: boolean; noRunArchive?: boolean } = {},
): CaseWorkflowInput {
  counter += 1;
  const code = `GL-20261123-${String(counter).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
  return {
    intake: {
      code,
      channel: 'HOTLINE',
      categoryCode: 'CG-001',
      categoryName: '占道经营',
      triage: o.triage ?? 'BIG',
      urgent: o.urgent ?? false,
      startLevel: o.startLevel ?? 'GRID',
      units: UNITS,
      description: '路边占道经营',
      reporter: { name: '张三', phone: '13800000000' },
      photoUrls: [],
      reportedAt,
      suggestedDepartmentIds: ['GL-D-CG'],
    },
    policy: buildCasePolicy({ completionDays: o.completionDays ?? 3, urgent: o.urgent ?? false, windowOverrides: {} }, cfg),
    calendar: defaultCalendar(),
    directory: DIRECTORY,
    departmentOfficers: DEPARTMENTS,
    options: o.legacy ? { searchAttributes: false } : o.noRunArchive ? withoutRunArchive(newCaseOptions(false)) : newCaseOptions(false),
  };
}

function withoutRunArchive(options: CaseOptions): CaseOptions {
  const { archiveEarlierRuns: _omitted, ...rest } = options;
  return rest;
}

/** In-memory activities: every recorded fact and projection, per case. */
export class MemoryRecorder {
  events = new Map<string, CaseEventRecord[]>();
  notifications = new Map<string, NotificationRecord[]>();
  projections = new Map<string, CaseProjection>();
  calls = 0;
  archived: string[] = [];

  activities(): CaseActivities {
    const recordCase = async (input: RecordCaseInput) => {
      this.calls += 1;
      const list = this.events.get(input.code) ?? [];
      for (const f of input.facts) {
        // Idempotent like the real activity: a seq already stored is skipped.
        if (!list.some((e) => e.seq === f.event.seq)) list.push(f.event);
        this.notifications.set(input.code, [...(this.notifications.get(input.code) ?? []), ...f.notifications]);
      }
      this.events.set(input.code, list);
      const prev = this.projections.get(input.code);
      if (!prev || prev.version < input.projection.version) this.projections.set(input.code, input.projection);
      return { deliver: [] };
    };
    return {
      recordCase,
      recordCaseLocally: recordingLocally(recordCase),
      deliverNotifications: async () => ({ delivered: 0 }),
      loadCalendar: async () => defaultCalendar(),
      archiveCaseHistory: async ({ workflowId }) => {
        this.archived.push(workflowId);
        return { events: 0, runs: 1 };
      },
    };
  }

  /** Wait until every fact the workflow emitted so far has been recorded; returns the state. */
  async settled(h: WorkflowHandle, code: string): Promise<CaseState> {
    for (let i = 0; i < 100; i++) {
      const s = await h.query(getCaseStateQuery);
      if ((this.of(code).at(-1)?.seq ?? 0) === s.lastEventSeq) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`recorder did not catch up with ${code}`);
  }

  of(code: string): CaseEventRecord[] {
    return [...(this.events.get(code) ?? [])].sort((a, b) => a.seq - b.seq);
  }

  types(code: string): string[] {
    return this.of(code).map((e) => e.type);
  }
}

/**
 * A Temporal test environment (real binaries) with a worker running the case workflow:
 * the time-skipping test server by default, or a local dev server where time is real.
 */
export async function startCaseEnv(kind: 'timeSkipping' | 'local' = 'timeSkipping'): Promise<{ env: TestWorkflowEnvironment; worker: Worker; recorder: MemoryRecorder; taskQueue: string; run: Promise<void> }> {
  const env = kind === 'timeSkipping' ? await startTimeSkippingEnv() : await startLocalEnv();
  const recorder = new MemoryRecorder();
  const taskQueue = `cases-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: CASE_WORKFLOWS_PATH,
    bundlerOptions: CASE_BUNDLER_OPTIONS,
    activities: recorder.activities(),
  });
  const run = worker.run();
  return { env, worker, recorder, taskQueue, run };
}

/** The failure type of a rejected update ('Forbidden', 'InvalidTransition', 'BadInput'), or 'none'. */
export async function failureType(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return (err.cause as { type?: string })?.type ?? 'unknown';
    throw err;
  }
  return 'none';
}
