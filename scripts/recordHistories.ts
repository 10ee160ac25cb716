// Records the replay corpus: one real Temporal history for every path a case can take,
// written to test/histories/ as Temporal's JSON export (platform/historyJson: the format of the
// SDK's historyToJSON, which round-trips with historyFromJSON). Each path runs on its own
// time-skipping test server (the real binary) with in-memory activities, starting at 09:30
// on the next working day so the working-time windows read naturally.
//
//   npm run histories:record                 → every path
//   npm run histories:record -- whistle …    → only the named paths
//
// The time-skipping server rejects a workflow task that answers an update together with a
// fired timer, so every action is sent when the case is quiet (no workflow task or activity
// in flight) and never at a timer instant: waits end at odd offsets from every deadline.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { historyToJson, type History } from '../platform/historyJson';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { isWorkingDay, localDate } from '../domain/calendar';
import type { Actor } from '../domain/types';
import { makeStartArchiver } from '../activities/startArchiver';
import { fetchRunChain, runStatusOf } from '../features/audit/caseHistory';
import { workflowBundle } from '../features/audit/replay';
import { MemoryRecorder } from '../devstack/memoryRecorder';
import { ACTORS, DIRECTORY } from '../devstack/sampleCase';
import { caseInput } from '../devstack/sampleCaseInput';
import { archiveWorkflowId } from '../workflows/archiveCaseWorkflow';
import type { RecordEndOfDaySweepInput, RecordEndOfDaySweepResult } from '../workflows/activityContract';
import { CASE_ACTION_TABLE, type ActionInput } from '../workflows/caseActions';
import type { CaseAction } from '../domain/actionRules';
import {
  calendarChangedSignal,
  directoryChangedSignal,
  getCaseStateQuery,
  type CaseState,
  type CaseWorkflowInput,
} from '../workflows/messages';
import { startTimeSkippingEnv } from '../devstack/testServers';
import { resolveTestServer } from '../devstack/tools';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'test', 'histories');

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** One recorded path: what it shows, and how to drive a case through it. */
export interface Scenario {
  name: string;
  description: string;
  /** Also start the case's archiver once it ends, and record the archiver's history under this name. */
  archiveAs?: string;
  /**
   * Also run the end-of-day sweep (endOfDaySweepWorkflow) for the day the case was reported, once
   * the case has ended, and record the sweep's history under this name (its activity in memory).
   */
  sweepAs?: string;
  run(c: CaseDriver): Promise<void>;
  options?: Parameters<typeof caseInput>[1];
  /**
   * Started as a case starts now, with CaseOptions.recordWindows. The paths recorded before that
   * flag existed go without it, so re-recording one still gives the history it gave then.
   */
  recordsWindows?: true;
  /**
   * Started with the pacing rules in its policy (CasePolicy.pacing), as a case starts now. The
   * paths recorded before them go without, so re-recording one still gives the history it gave then.
   */
  paced?: true;
  /**
   * Started with the leaders' lists and supervision in its policy (CasePolicy.leaderList,
   * .supervision), as a case starts now. The paths recorded before them go without.
   */
  routines?: true;
  /**
   * Started with the response window counting from receipt (CasePolicy.responseFromReceipt), as a
   * case starts now. The paths recorded before it go without.
   */
  fromReceipt?: true;
  /**
   * Started with arrival and the hazard steps in its policy (CasePolicy.site), as a case starts
   * now. The paths recorded before them go without.
   */
  site?: true;
  /**
   * Started with the five-step deliberation in its policy (CasePolicy.deliberation), as a case
   * starts now. The paths recorded before it go without.
   */
  deliberation?: true;
  /**
   * Started with clock pauses in its policy (CasePolicy.pause), as a case starts now. The paths
   * recorded before them go without.
   */
  pause?: true;
  /**
   * Records its facts by the recordCase activity, as a case starts now (no CaseOptions.recordLocally).
   * The paths recorded while new cases recorded by the local activity go with it, so re-recording
   * one still gives the history it gave then.
   */
  byActivity?: true;
  /**
   * Started with the three kinds' routes in its policy (CasePolicy.triage), as a case starts now.
   * The paths recorded before them go without.
   */
  triage?: true;
  /**
   * Started on the default ladder with the community (GRID → COMMUNITY → STREET → …, 层层), as a
   * case starts now. The paths recorded before it go without (GRID → STREET → …).
   */
  communityStep?: true;
}

/** Drives one case on the test server and waits for it to be quiet after each step. */
export class CaseDriver {
  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly input: CaseWorkflowInput,
  ) {}

  get code(): string {
    return this.input.intake.code;
  }

  get client(): Client {
    return this.env.client;
  }

  /** Handle on the newest run (follows continue-as-new). */
  get handle() {
    return this.client.workflow.getHandle(this.code);
  }

  async state(): Promise<CaseState> {
    return this.handle.query(getCaseStateQuery);
  }

  /** Apply an update as `actor` and wait until its facts are persisted. */
  async act<A extends CaseAction>(action: A, input: ActionInput<A>): Promise<CaseState> {
    const def = CASE_ACTION_TABLE[action].update as UpdateDefinition<CaseState, [ActionInput<A>]>;
    const s = await this.handle.executeUpdate(def, { args: [input] });
    await this.quiet();
    return s;
  }

  /** Let `ms` of (skipped) time pass, then wait for the case to be quiet. */
  async wait(ms: number): Promise<void> {
    await this.env.sleep(ms);
    await this.quiet();
  }

  /** Let time pass until `at` (epoch ms). */
  async waitUntil(at: number): Promise<void> {
    const now = await this.env.currentTimeMs();
    if (at > now) await this.wait(at - now);
  }

  /**
   * Wait until the newest run has no workflow task or activity in flight: its history ends
   * with a completed workflow task (or the run's close) and every activity has finished.
   */
  async quiet(): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const history = await this.handle.fetchHistory();
      if (isQuiet(history)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    const tail = ((await this.handle.fetchHistory()).events ?? []).slice(-8);
    const failure = tail.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message;
    throw new Error(`${this.code} did not become quiet; last events: ${tail.map((e) => e.eventType).join(', ')}${failure ? `; workflow task failed: ${failure}` : ''}`);
  }

  now(): Promise<number> {
    return this.env.currentTimeMs();
  }

  /** Due time of the open window of `kind` (throws when none is open). */
  async dueOf(kind: string): Promise<number> {
    const w = (await this.state()).windows.find((x) => x.kind === kind);
    if (!w) throw new Error(`${this.code}: no open ${kind} window`);
    return w.dueAt;
  }

  /** Result by the holder, review and close by the reviewer, a satisfied revisit survey. */
  async finish(handler: Actor, reviewer: Actor, summary = '已处理完毕'): Promise<void> {
    await this.act('result', { actor: handler, summary });
    await this.wait(2 * HOUR + 7 * MIN + 3 * SEC);
    await this.act('review', { actor: reviewer, decision: 'CLOSE', reason: '核实已办结' });
    await this.wait(HOUR + 11 * MIN + 5 * SEC);
    await this.act('survey', { actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
  }

  /** Accept and take the case on as the holder. */
  async acceptAndHandle(holder: Actor): Promise<void> {
    await this.wait(4 * MIN + 17 * SEC);
    await this.act('accept', { actor: holder, note: '已受理' });
    await this.wait(21 * MIN + 9 * SEC);
    await this.act('respond', { actor: holder, decision: 'SELF', note: '自行处置' });
    await this.wait(3 * HOUR + 13 * MIN + 7 * SEC);
  }
}

type HistoryEvent = NonNullable<History['events']>[number];

function isQuiet(history: History): boolean {
  const events = history.events ?? [];
  const last = events.at(-1);
  if (!last) return false;
  if (runStatusOf(history) !== 'RUNNING') return true;
  // The commands a workflow task produced (timers, activities) follow its completion event.
  const lastTask = [...events].reverse().find(
    (e) =>
      e.workflowTaskScheduledEventAttributes ?? e.workflowTaskStartedEventAttributes ?? e.workflowTaskCompletedEventAttributes ??
      e.workflowTaskFailedEventAttributes ?? e.workflowTaskTimedOutEventAttributes,
  );
  if (!lastTask?.workflowTaskCompletedEventAttributes) return false;
  const open = new Set<string>();
  const id = (e: HistoryEvent) => String(e.eventId);
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) open.add(id(e));
    const done =
      e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
    if (done) open.delete(String(done.scheduledEventId));
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) open.add(id(e));
    const child = e.childWorkflowExecutionStartedEventAttributes ?? e.startChildWorkflowExecutionFailedEventAttributes;
    if (child) open.delete(String(child.initiatedEventId));
  }
  return open.size === 0;
}

/** 09:30 (case calendar time) on the first working day after `now`. */
export function nextWorkingMorning(now: number, cal: CaseWorkflowInput['calendar']): number {
  const offset = cal.utcOffsetMinutes * MIN;
  const localMidnight = Math.floor((now + offset) / DAY) * DAY - offset;
  for (let d = 1; d < 30; d++) {
    const at = localMidnight + d * DAY + 9 * HOUR + 30 * MIN;
    if (isWorkingDay(localDate(at, cal), cal)) return at;
  }
  throw new Error('no working day within 30 days');
}

/** On the long-term plan with a weekly review (three runs), then resumed and closed. */
async function longTermPlan(c: CaseDriver): Promise<void> {
  await c.acceptAndHandle(ACTORS.grid);
  await c.act('long-term-plan', { actor: ACTORS.grid, explanation: '需纳入老旧小区改造计划', reviewEveryDays: 7 });
  await c.wait(7 * DAY + HOUR + 3 * SEC);
  await c.wait(7 * DAY + 2 * MIN + 1 * SEC);
  await c.act('resume', { actor: ACTORS.grid, note: '改造资金到位' });
  await c.wait(2 * HOUR + 5 * MIN + 7 * SEC);
  await c.finish(ACTORS.grid, ACTORS.street, '改造完成');
}

/** An urgent hazard whose 2-hour on-site window lapses at the grid; the street then handles and closes it. */
async function urgentOnSiteBreach(c: CaseDriver): Promise<void> {
  await c.wait(3 * MIN + 1 * SEC);
  await c.act('accept', { actor: ACTORS.grid });
  await c.wait(11 * MIN + 7 * SEC);
  await c.act('respond', { actor: ACTORS.grid, decision: 'SELF' });
  await c.wait(2 * HOUR + 3 * MIN + 5 * SEC);
  await c.finish(ACTORS.street, ACTORS.street, '已排除险情');
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'accepted-in-time',
    description: 'Accepted within the 10-minute window, handled by the grid, reviewed and closed by the street, surveyed satisfied; then its archiver (archiveCaseWorkflow) runs.',
    archiveAs: 'archive-case-workflow',
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      await c.finish(ACTORS.grid, ACTORS.street, '已劝离占道摊贩');
    },
  },
  {
    name: 'ladder-never-touched',
    description: 'Nobody accepts: the accept window lapses at every level, grid → street → command center → deputy → principal leader, and the case lands on the leaders\' list; the principal leader then handles and closes it.',
    async run(c) {
      await c.wait(60 * MIN + 13 * SEC);
      await c.act('accept', { actor: ACTORS.principal, note: '顶格调度' });
      await c.wait(17 * MIN + 3 * SEC);
      await c.act('respond', { actor: ACTORS.principal, decision: 'SELF' });
      await c.wait(5 * HOUR + 1 * MIN + 9 * SEC);
      await c.finish(ACTORS.principal, ACTORS.principal, '区领导协调解决');
    },
  },
  {
    name: 'reminder',
    description: 'The grid worker is reminded at 80% of the accept window and accepts just before it lapses.',
    async run(c) {
      await c.wait(8 * MIN + 31 * SEC);
      await c.act('accept', { actor: ACTORS.grid });
      await c.wait(23 * MIN + 7 * SEC);
      await c.act('respond', { actor: ACTORS.grid, decision: 'SELF' });
      await c.wait(2 * HOUR + 3 * SEC);
      await c.finish(ACTORS.grid, ACTORS.street);
    },
  },
  {
    name: 'department-called-late',
    description: 'The street calls two departments (一线呼叫); one reports in time, the other misses its report time, is blamed, and the case escalates to the command center, which closes it after both report results with evidence.',
    options: { startLevel: 'STREET' },
    async run(c) {
      await c.wait(3 * MIN + 7 * SEC);
      await c.act('accept', { actor: ACTORS.street });
      await c.wait(5 * MIN + 11 * SEC);
      const now = await c.now();
      const s = await c.act('calls', {
        actor: ACTORS.street,
        calls: [
          { departmentId: 'GL-D-CG', reportBy: now + HOUR, place: '鼓东路口', instructions: '带执法记录仪' },
          { departmentId: 'GL-D-SJ', reportBy: now + HOUR, place: '鼓东路口' },
        ],
      });
      const [cg, sj] = s.calls;
      await c.wait(30 * MIN + 11 * SEC);
      await c.act('report', { actor: ACTORS.sj, callId: sj.id });
      await c.wait(45 * MIN + 13 * SEC);
      await c.act('report', { actor: ACTORS.cg, callId: cg.id });
      await c.wait(41 * MIN + 5 * SEC);
      await c.act('evidence', { actor: ACTORS.cg, callId: cg.id, kind: 'VIDEO', url: 'https://files.example/cg-1.mp4', sha256: 'ab'.repeat(32) });
      await c.act('result', { actor: ACTORS.cg, callId: cg.id, summary: '已清理占道' });
      await c.wait(19 * MIN + 3 * SEC);
      await c.act('evidence', { actor: ACTORS.sj, callId: sj.id, kind: 'DOCUMENT', url: 'https://files.example/sj-1.pdf', sha256: 'cd'.repeat(32) });
      await c.act('result', { actor: ACTORS.sj, callId: sj.id, summary: '已立案处罚' });
      await c.wait(HOUR + 2 * MIN + 7 * SEC);
      await c.act('review', { actor: ACTORS.cc, decision: 'CLOSE', reason: '两部门均已报到处置' });
      await c.wait(HOUR + 9 * MIN + 1 * SEC);
      await c.act('survey', { actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
    },
  },
  {
    name: 'review-returned-then-closed',
    description: 'The street sends the result back for missing photos, the grid resubmits, the street closes it.',
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      await c.act('result', { actor: ACTORS.grid, summary: '已劝离' });
      await c.wait(HOUR + 5 * MIN + 3 * SEC);
      await c.act('review', { actor: ACTORS.street, decision: 'RETURN', reason: '未提供现场照片' });
      await c.wait(2 * HOUR + 7 * MIN + 9 * SEC);
      await c.act('evidence', { actor: ACTORS.grid, kind: 'PHOTO', url: 'https://files.example/after.jpg', sha256: 'ef'.repeat(32) });
      await c.finish(ACTORS.grid, ACTORS.street, '已劝离，附照片');
    },
  },
  {
    name: 'triage-community',
    description: 'A small matter (三事分流): the grid sends it to the community, which handles it; the street closes it; the reporter is basically satisfied.',
    options: { triage: 'SMALL' },
    async run(c) {
      await c.wait(6 * MIN + 7 * SEC);
      await c.act('accept', { actor: ACTORS.grid });
      await c.wait(13 * MIN + 3 * SEC);
      await c.act('respond', { actor: ACTORS.grid, decision: 'COMMUNITY', note: '邻里纠纷，由社区调解' });
      await c.wait(5 * HOUR + 7 * MIN + 1 * SEC);
      await c.act('result', { actor: ACTORS.community, summary: '已调解' });
      await c.wait(HOUR + 3 * MIN + 5 * SEC);
      await c.act('review', { actor: ACTORS.street, decision: 'CLOSE', reason: '调解成功' });
      await c.wait(2 * HOUR + 1 * MIN + 7 * SEC);
      await c.act('survey', { actor: ACTORS.cc, satisfaction: 'BASICALLY_SATISFIED', solved: true, channel: 'SMS' });
    },
  },
  {
    name: 'private-guidance',
    description: 'A private matter: the grid worker answers with guidance and the case ends without a survey.',
    options: { triage: 'PRIVATE' },
    async run(c) {
      await c.wait(2 * MIN + 9 * SEC);
      await c.act('accept', { actor: ACTORS.grid });
      await c.wait(9 * MIN + 13 * SEC);
      await c.act('respond', { actor: ACTORS.grid, decision: 'GUIDANCE', guidance: '请携带身份证到社区服务中心办理' });
    },
  },
  {
    name: 'whistle',
    description: 'The grid worker whistles the case up to the street (吹哨) with a reason; the street handles and closes it.',
    async run(c) {
      await c.wait(3 * MIN + 3 * SEC);
      await c.act('accept', { actor: ACTORS.grid });
      await c.wait(7 * MIN + 11 * SEC);
      await c.act('whistle', { actor: ACTORS.grid, reason: '需要城管执法' });
      await c.wait(17 * MIN + 5 * SEC);
      await c.act('respond', { actor: ACTORS.street, decision: 'SELF' });
      await c.wait(4 * HOUR + 3 * MIN + 1 * SEC);
      await c.finish(ACTORS.street, ACTORS.street, '街道执法队已处置');
    },
  },
  {
    name: 'long-term-plan',
    description: 'The case goes on the medium/long-term plan with a weekly review; each review continues the workflow as new (three runs), then the plan is resumed and the case closed. Started before runs were archived one by one (no `archiveEarlierRuns`).',
    options: { noRunArchive: true },
    run: longTermPlan,
  },
  {
    name: 'long-term-plan-runs-archived',
    description: 'The same long-term plan as a case starts it now (`archiveEarlierRuns`): the first recording of each continued run asks for the runs before it to be archived.',
    run: longTermPlan,
  },
  {
    name: 'extension-approved',
    description: 'The grid asks 2 more working days; the command center (approver for ≤3 days) approves and the completion deadline moves.',
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      const s = await c.act('extensions', { actor: ACTORS.grid, days: 2, reason: '等待配件' });
      await c.wait(HOUR + 7 * MIN + 3 * SEC);
      await c.act('extension-decision', { actor: ACTORS.cc, requestId: s.extensions[0].id, approve: true, reason: '情况属实' });
      await c.wait(3 * HOUR + 1 * MIN + 1 * SEC);
      await c.finish(ACTORS.grid, ACTORS.street);
    },
  },
  {
    name: 'extension-rejected',
    description: 'The grid asks 5 more working days; the deputy district leader (approver for ≤10 days) rejects it.',
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      const s = await c.act('extensions', { actor: ACTORS.grid, days: 5, reason: '需协调产权单位' });
      await c.wait(HOUR + 13 * MIN + 7 * SEC);
      await c.act('extension-decision', { actor: ACTORS.deputy, requestId: s.extensions[0].id, approve: false, reason: '应在期限内完成' });
      await c.wait(HOUR + 1 * MIN + 3 * SEC);
      await c.finish(ACTORS.grid, ACTORS.street);
    },
  },
  {
    name: 'extension-approver-lapse',
    description: 'The command center lets the extension decision window lapse: the breach is recorded and the request climbs to the deputy leader, who approves it.',
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      const s = await c.act('extensions', { actor: ACTORS.grid, days: 2, reason: '等待配件' });
      await c.waitUntil((await c.dueOf('EXTENSION_DECISION')) + 7 * MIN + 3 * SEC);
      await c.act('extension-decision', { actor: ACTORS.deputy, requestId: s.extensions[0].id, approve: true, reason: '同意延期' });
      await c.wait(HOUR + 3 * MIN + 1 * SEC);
      await c.finish(ACTORS.grid, ACTORS.street);
    },
  },
  {
    name: 'survey-unsatisfied-reopen',
    description: 'The revisit survey finds the reporter unsatisfied: the case reopens (问题回流), is handled again, closed, and surveyed satisfied.',
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      await c.act('result', { actor: ACTORS.grid, summary: '已劝离' });
      await c.wait(HOUR + 1 * MIN + 1 * SEC);
      await c.act('review', { actor: ACTORS.street, decision: 'CLOSE', reason: '已办结' });
      await c.wait(3 * HOUR + 7 * MIN + 3 * SEC);
      await c.act('survey', { actor: ACTORS.cc, satisfaction: 'UNSATISFIED', solved: false, comment: '摊贩又回来了', channel: 'PHONE' });
      await c.wait(HOUR + 5 * MIN + 9 * SEC);
      await c.finish(ACTORS.grid, ACTORS.street, '已取缔');
    },
  },
  {
    name: 'survey-unreachable',
    description: 'Nobody answers the revisit survey: its window lapses and the configured unreachable policy is recorded.',
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      await c.act('result', { actor: ACTORS.grid, summary: '已劝离' });
      await c.wait(HOUR + 3 * MIN + 7 * SEC);
      await c.act('review', { actor: ACTORS.street, decision: 'CLOSE', reason: '已办结' });
      await c.waitUntil((await c.dueOf('SURVEY')) + 13 * MIN + 1 * SEC);
    },
  },
  {
    name: 'urgent-on-site-breach',
    description: 'An urgent safety hazard: the 2-hour on-site window lapses at the grid and the case escalates to the street, which handles and closes it.',
    options: { urgent: true },
    run: urgentOnSiteBreach,
  },
  {
    name: 'directory-changed',
    description: 'The grid\'s worker changes while the case waits (directoryChanged signal); a grid worker of the same grid accepts it and answers with guidance.',
    options: { triage: 'PRIVATE' },
    async run(c) {
      await c.wait(1 * MIN + 7 * SEC);
      await c.handle.signal(directoryChangedSignal, {
        directory: { GRID: { ...DIRECTORY.GRID!, personId: 'p-grid-3', personName: '新网格员' } },
      });
      await c.quiet();
      await c.wait(2 * MIN + 3 * SEC);
      await c.act('accept', { actor: { personId: 'p-grid-3', role: 'GRID_WORKER', unitId: ACTORS.grid.unitId } });
      await c.wait(5 * MIN + 1 * SEC);
      await c.act('respond', { actor: { personId: 'p-grid-3', role: 'GRID_WORKER', unitId: ACTORS.grid.unitId }, decision: 'GUIDANCE', guidance: '请联系物业处理' });
    },
  },
  // New paths go last: a path's case code comes from its position, so the others keep theirs.
  {
    name: 'urgent-on-site-breach-windows-recorded',
    description: 'The same urgent hazard as a case starts it now (`recordWindows`): the last fact of each step carries the windows in force after it, the on-site window restarted at the street included.',
    options: { urgent: true },
    recordsWindows: true,
    run: urgentOnSiteBreach,
  },
  {
    name: 'directory-reassigned',
    description: 'The grid worker is deactivated while the case waits: the directory fan-out\'s directoryChanged signal (with a change id) reassigns the case to the new grid worker (REASSIGNED, notified), a street dispatcher change is recorded too; the new worker accepts and answers with guidance.',
    options: { triage: 'PRIVATE' },
    async run(c) {
      await c.wait(1 * MIN + 7 * SEC);
      await c.handle.signal(directoryChangedSignal, {
        directory: {
          ...DIRECTORY,
          GRID: { ...DIRECTORY.GRID!, personId: 'p-grid-3', personName: '新网格员' },
          STREET: { ...DIRECTORY.STREET!, personId: 'p-street-2', personName: '新调度员' },
        },
        changeId: 'change-0001',
        reason: 'grid worker p-grid deactivated',
        asOf: await c.now(),
      });
      await c.quiet();
      await c.wait(2 * MIN + 3 * SEC);
      await c.act('accept', { actor: { personId: 'p-grid-3', role: 'GRID_WORKER', unitId: ACTORS.grid.unitId } });
      await c.wait(5 * MIN + 1 * SEC);
      await c.act('respond', { actor: { personId: 'p-grid-3', role: 'GRID_WORKER', unitId: ACTORS.grid.unitId }, decision: 'GUIDANCE', guidance: '请联系物业处理' });
    },
  },
  {
    name: 'calendar-replanned',
    description: 'While the grid handles the case, a new working calendar (a holiday inside the completion window) arrives by calendarChanged: the completion deadline moves a working day later (CALENDAR_REPLANNED) and the timer with it; the case is finished in time and closed.',
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      const cal = c.input.calendar;
      const state = await c.state();
      const w = state.windows.find((x) => x.kind === 'COMPLETION')!;
      // The first working day after the window's start becomes a holiday.
      let day = w.startedAt + DAY;
      while (!isWorkingDay(localDate(day, cal), cal)) day += DAY;
      await c.handle.signal(calendarChangedSignal, {
        calendar: { ...cal, holidays: [...cal.holidays, localDate(day, cal)] },
        changeId: 'change-0002',
        asOf: await c.now(),
      });
      await c.quiet();
      // Past the old deadline, before the new one.
      await c.waitUntil(w.dueAt + 2 * HOUR + 7 * MIN + 3 * SEC);
      await c.finish(ACTORS.grid, ACTORS.street);
    },
  },
  {
    name: 'ladder-paced-duty-desk',
    description: 'A case started with the pacing rules (CasePolicy.pacing): nobody accepts, the accept window climbs grid → street → command center and stops there (HOLD: the duty desk is told to dispatch); the command center accepts and calls a department, which misses its report time: the department is blamed and the command center supervises (SUPERVISE), the case does not move; the department reports late and the command center reviews and closes.',
    recordsWindows: true,
    paced: true,
    async run(c) {
      await c.wait(31 * MIN + 13 * SEC);
      await c.act('accept', { actor: ACTORS.cc, note: '值班派单' });
      await c.wait(4 * MIN + 7 * SEC);
      const now = await c.now();
      const s = await c.act('calls', { actor: ACTORS.cc, calls: [{ departmentId: 'GL-D-CG', reportBy: now + HOUR, place: '鼓东路口' }] });
      const [cg] = s.calls;
      await c.wait(HOUR + 29 * MIN + 3 * SEC);
      await c.act('report', { actor: ACTORS.cg, callId: cg.id });
      await c.wait(37 * MIN + 5 * SEC);
      await c.act('evidence', { actor: ACTORS.cg, callId: cg.id, kind: 'VIDEO', url: 'https://files.example/cg-2.mp4', sha256: 'ef'.repeat(32) });
      await c.act('result', { actor: ACTORS.cg, callId: cg.id, summary: '已清理占道' });
      await c.wait(23 * MIN + 9 * SEC);
      await c.act('review', { actor: ACTORS.cc, decision: 'CLOSE', reason: '核实已办结' });
      await c.wait(HOUR + 11 * MIN + 5 * SEC);
      await c.act('survey', { actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
    },
  },
  {
    name: 'ladder-paced-night',
    description: 'An urgent hazard started with the pacing rules: accepted and taken on by the grid, but nobody is on site; the 2-hour on-site window climbs every two hours, to the deputy leader at 15:30 (paged at once) and to the principal leader at 17:30, after office hours: the case is on the leaders\' list at once, the principal leader\'s page waits for the next morning and the duty desk is told now; the principal leader handles and closes it the next morning.',
    options: { urgent: true },
    recordsWindows: true,
    paced: true,
    run: ladderPacedNight,
  },
  {
    name: 'leader-list-ticked-off',
    description: "A case started with the leaders' lists (CasePolicy.leaderList): the grid takes it on and whistles it to the street, the street to the command center, the command center to the deputy leader, who becomes its responsible leader (LEADER_ASSIGNED, 包案); he handles, reviews and closes it, the revisit is satisfied, and the case waits, surveyed, until he ticks it off his list with a closing note (LEADER_TICKED_OFF, 对单销号); then it ends.",
    recordsWindows: true,
    paced: true,
    routines: true,
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      await c.act('whistle', { actor: ACTORS.grid, reason: '需街道协调' });
      await c.wait(17 * MIN + 3 * SEC);
      await c.act('whistle', { actor: ACTORS.street, reason: '涉及多个部门' });
      await c.wait(13 * MIN + 7 * SEC);
      await c.act('whistle', { actor: ACTORS.cc, reason: '需区领导协调' });
      await c.wait(41 * MIN + 11 * SEC);
      await c.finish(ACTORS.deputy, ACTORS.deputy, '区分管领导协调解决');
      await c.wait(29 * MIN + 3 * SEC);
      await c.act('tick-off', { actor: ACTORS.deputy, note: '已协调解决，群众满意，对单销号' });
    },
  },
  {
    name: 'supervision-urged-noticed',
    description: "A case started with supervision (CasePolicy.supervision): the grid takes it on and is slow; past the completion window's reminder point the command center urges it (催办, reply within 1 working hour) and the grid replies in time; urged again, the grid leaves it unanswered and submits its result; one working day after the missed reply deadline the urge becomes a formal notice (通报, URGE_NOTICED, a durable wake of the case); the street reviews and closes it.",
    recordsWindows: true,
    paced: true,
    routines: true,
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      const completion = (await c.state()).windows.find((w) => w.kind === 'COMPLETION')!;
      await c.waitUntil(completion.remindAt! + 7 * MIN + 3 * SEC);
      await c.act('urge', { actor: ACTORS.cc, reason: '临近办结时限，请加快办理', replyWithinWorkingHours: 1 });
      await c.wait(23 * MIN + 11 * SEC);
      const [first] = (await c.state()).urges!;
      await c.act('urge-reply', { actor: ACTORS.grid, urgeId: first.id, reply: '已联系物业，今日处理' });
      await c.wait(5 * MIN + 9 * SEC);
      const s = await c.act('urge', { actor: ACTORS.cc, reason: '请报告处理进度', replyWithinWorkingHours: 1 });
      const second = s.urges![1];
      await c.wait(HOUR + 37 * MIN + 5 * SEC);
      await c.act('result', { actor: ACTORS.grid, summary: '已清理完毕' });
      await c.waitUntil(second.noticeAt + 5 * MIN + 7 * SEC);
      await c.act('review', { actor: ACTORS.street, decision: 'CLOSE', reason: '核实已办结' });
      await c.wait(HOUR + 11 * MIN + 5 * SEC);
      await c.act('survey', { actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
    },
  },
  {
    name: 'report-with-photos',
    description: 'A resident reports with two photos (CaseIntake.files, stored by the API): REPORTED and one EVIDENCE_UPLOADED per photo, by the reporter, in the first step; the grid handles it, the street reviews and closes, the survey is satisfied.',
    recordsWindows: true,
    paced: true,
    options: {
      files: [
        { kind: 'PHOTO', url: '/cases/{code}/evidence/files/' + '1a'.repeat(32), sha256: '1a'.repeat(32), receivedSha256: '2b'.repeat(32) },
        { kind: 'PHOTO', url: '/cases/{code}/evidence/files/' + '3c'.repeat(32), sha256: '3c'.repeat(32) },
      ],
    },
    async run(c) {
      await c.acceptAndHandle(ACTORS.grid);
      await c.finish(ACTORS.grid, ACTORS.street, '已清运');
    },
  },
  {
    name: 'response-from-receipt',
    description: 'A case started with the response window counting from receipt (CasePolicy.responseFromReceipt, 接到事项1个工作小时内): reported 09:30, accepted by the grid at 09:38, the grid does not decide; the response window lapses at 10:30 (one working hour from the report, not from the acceptance) and climbs to the street, which decides to handle it itself, then handles and closes it. Then the end-of-day sweep (事不过夜) of that working day runs (endOfDaySweepWorkflow: the calendar, then the sweep\'s record).',
    recordsWindows: true,
    paced: true,
    fromReceipt: true,
    sweepAs: 'end-of-day-sweep',
    async run(c) {
      await c.wait(8 * MIN + 13 * SEC);
      await c.act('accept', { actor: ACTORS.grid, note: '已受理' });
      await c.wait(53 * MIN + 7 * SEC);
      await c.act('respond', { actor: ACTORS.street, decision: 'SELF' });
      await c.wait(3 * HOUR + 9 * MIN + 5 * SEC);
      await c.finish(ACTORS.street, ACTORS.street, '街道已处置');
    },
  },
  {
    name: 'hazard-cleared-on-site',
    description: "An urgent hazard at the street, started with arrival and the hazard steps (CasePolicy.site): the street calls the city management department, whose report on site (报到) with a photo meets the 2-hour on-site window (DEPARTMENT_REPORTED with onSite; the window closes, no lapse); the department records 现场勘查, 方案确定, 人材机进场 and 消险 on its call with evidence (SITE_STEP), cleared inside the seed's two-hour promise (withinPromise); its result, the street's review and the revisit close the case.",
    options: { urgent: true, startLevel: 'STREET' },
    recordsWindows: true,
    paced: true,
    routines: true,
    site: true,
    async run(c) {
      await c.wait(3 * MIN + 7 * SEC);
      await c.act('accept', { actor: ACTORS.street, note: '安全隐患，优先处置' });
      await c.wait(2 * MIN + 11 * SEC);
      const s = await c.act('calls', { actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: (await c.now()) + 40 * MIN, place: '虎踞北路4号05幢' }] });
      const callId = s.calls[0].id;
      const photo = (n: number) => [{ kind: 'PHOTO' as const, url: `https://files.example/hazard-${n}.jpg`, sha256: String(n).repeat(64).slice(0, 64).replace(/[^0-9a-f]/g, 'a') }];
      await c.wait(31 * MIN + 3 * SEC);
      await c.act('report', { actor: ACTORS.cg, callId, evidence: photo(1) });
      await c.wait(14 * MIN + 9 * SEC);
      await c.act('on-site', { actor: ACTORS.cg, callId, step: 'SURVEYED', note: '外墙开裂，有坠落风险', evidence: photo(2) });
      await c.wait(11 * MIN + 5 * SEC);
      await c.act('on-site', { actor: ACTORS.cg, callId, step: 'PLANNED', note: '拉警戒线，拆除松动墙体' });
      await c.wait(17 * MIN + 3 * SEC);
      await c.act('on-site', { actor: ACTORS.cg, callId, step: 'CREW_ON_SITE', note: '施工队及吊车到场', evidence: photo(3) });
      await c.wait(23 * MIN + 1 * SEC);
      await c.act('on-site', { actor: ACTORS.cg, callId, step: 'CLEARED', note: '险情已消除', evidence: photo(4) });
      await c.wait(9 * MIN + 7 * SEC);
      await c.act('result', { actor: ACTORS.cg, callId, summary: '险情已消除，现场已恢复' });
      await c.wait(HOUR + 7 * MIN + 3 * SEC);
      await c.act('review', { actor: ACTORS.street, decision: 'CLOSE', reason: '核实已消险' });
      await c.wait(HOUR + 11 * MIN + 5 * SEC);
      await c.act('survey', { actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
    },
  },
  {
    name: 'ladder-paced-night-by-activity',
    description: 'The same night ladder as a case starts it now: its facts are recorded by the `recordCase` activity, which only a committed workflow task schedules, instead of the `recordCaseLocally` local activity the paths above use (docs/VERSIONING.md, `recordLocally`).',
    options: { urgent: true },
    recordsWindows: true,
    paced: true,
    byActivity: true,
    run: ladderPacedNight,
  },
  {
    name: 'triage-small-at-community',
    description: "A small matter started with the three kinds' routes (CasePolicy.triage, 三事分流): it starts with the residents' committee of its grid (居委会主导: the community holds it and its acceptance window from intake); the community accepts and calls the city management department (街镇、社区呼叫), which reports and gives its result; the street reviews and closes (审核结案); the revisit survey ends it.",
    options: { triage: 'SMALL' },
    recordsWindows: true,
    paced: true,
    routines: true,
    fromReceipt: true,
    site: true,
    byActivity: true,
    triage: true,
    async run(c) {
      await c.wait(4 * MIN + 3 * SEC);
      await c.act('accept', { actor: ACTORS.community, note: '居委会受理' });
      await c.wait(9 * MIN + 11 * SEC);
      const s = await c.act('calls', { actor: ACTORS.community, calls: [{ departmentId: 'GL-D-CG', reportBy: (await c.now()) + HOUR, place: '鼓屏路社区3号楼' }] });
      const callId = s.calls[0].id;
      await c.wait(37 * MIN + 5 * SEC);
      await c.act('report', { actor: ACTORS.cg, callId });
      await c.wait(HOUR + 3 * MIN + 1 * SEC);
      await c.act('result', { actor: ACTORS.cg, callId, summary: '已协调清理' });
      await c.wait(HOUR + 7 * MIN + 3 * SEC);
      await c.act('review', { actor: ACTORS.street, decision: 'CLOSE', reason: '社区已办结' });
      await c.wait(HOUR + 11 * MIN + 5 * SEC);
      await c.act('survey', { actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
    },
  },
  {
    name: 'triage-big-fast-track',
    description: "A big matter with its route on (TRIAGE_ROUTES with BIG; 政府快办): it starts at the street, and the category's usual department (city management) is called at intake (DEPARTMENT_CALLED with fastTrack, no actor); the street's acceptance is its first response (RESPONDED, decision DEPARTMENTS); the department reports, gives its result, the street reviews and closes, the revisit survey ends it. Recorded when the route started every big matter at the street; the route now starts it at its category's level, so a re-recording names a street-level category.",
    options: { startLevel: 'STREET' },
    recordsWindows: true,
    paced: true,
    routines: true,
    fromReceipt: true,
    site: true,
    byActivity: true,
    triage: true,
    async run(c) {
      await c.wait(3 * MIN + 9 * SEC);
      const s = await c.act('accept', { actor: ACTORS.street, note: '政府快办' });
      const callId = s.calls[0].id;
      await c.wait(41 * MIN + 7 * SEC);
      await c.act('report', { actor: ACTORS.cg, callId });
      await c.wait(HOUR + 13 * MIN + 3 * SEC);
      await c.act('result', { actor: ACTORS.cg, callId, summary: '已清理占道摊点' });
      await c.wait(HOUR + 5 * MIN + 11 * SEC);
      await c.act('review', { actor: ACTORS.street, decision: 'CLOSE', reason: '部门已处置' });
      await c.wait(HOUR + 11 * MIN + 5 * SEC);
      await c.act('survey', { actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
    },
  },
  {
    name: 'triage-private-retriaged',
    description: "A private matter with the routes (CasePolicy.triage; 私事 is answered with guidance): the grid accepts, finds it is not private and corrects the kind in its first response (RESPONDED with retriage PRIVATE → SMALL and a reason), handles it; the street reviews and closes; the revisit survey ends it.",
    options: { triage: 'PRIVATE' },
    recordsWindows: true,
    paced: true,
    routines: true,
    fromReceipt: true,
    site: true,
    byActivity: true,
    triage: true,
    async run(c) {
      await c.wait(5 * MIN + 1 * SEC);
      await c.act('accept', { actor: ACTORS.grid, note: '已受理' });
      await c.wait(12 * MIN + 7 * SEC);
      await c.act('respond', { actor: ACTORS.grid, decision: 'SELF', triage: 'SMALL', triageReason: '楼道杂物影响公共通道，非个人事务' });
      await c.wait(2 * HOUR + 3 * MIN + 5 * SEC);
      await c.finish(ACTORS.grid, ACTORS.street, '已清理楼道');
    },
  },
  {
    name: 'sent-down-by-command-center',
    description: "A case as it starts now: nobody accepts, the accept window climbs grid → street → command center and stops there (HOLD: the duty desk is told to dispatch); the command center sends it down to the street with a reason (SENT_DOWN, 派单): REPORTED at the street with a fresh 10-minute accept window, the street dispatcher told; the street accepts, its response hour counting from the send-down, handles it, reviews and closes it, and the revisit is satisfied.",
    recordsWindows: true,
    paced: true,
    routines: true,
    fromReceipt: true,
    site: true,
    byActivity: true,
    async run(c) {
      await c.wait(31 * MIN + 13 * SEC);
      await c.act('send-down', { actor: ACTORS.cc, level: 'STREET', reason: '属街道职责，请街道受理' });
      await c.wait(4 * MIN + 7 * SEC);
      await c.act('accept', { actor: ACTORS.street, note: '已受理' });
      await c.wait(21 * MIN + 3 * SEC);
      await c.act('respond', { actor: ACTORS.street, decision: 'SELF', note: '街道自行处置' });
      await c.wait(2 * HOUR + 5 * MIN + 9 * SEC);
      await c.finish(ACTORS.street, ACTORS.street, '街道已处置');
    },
  },
  {
    name: 'community-deliberation',
    description: "A small matter (parking chaos in a compound) started as a case starts now, with the five-step deliberation (CasePolicy.deliberation): the grid accepts it and sends it down to the community (三事分流 小事); the community records 群众说事 (the residents' matter), corrects it once, 干部问事 (the topic); the street records 集中议事 (the community council with the property company and residents' representatives, the decision); the community records 合力办事 (SMALL) and submits its result; the street's first close is refused while the deliberation is open (no fact), the community records 民主评事 (votes 满意/基本满意/不满意, the cadres), the street closes it and the revisit is satisfied.",
    options: { triage: 'SMALL' },
    recordsWindows: true,
    paced: true,
    routines: true,
    fromReceipt: true,
    site: true,
    deliberation: true,
    byActivity: true,
    async run(c) {
      await c.wait(4 * MIN + 7 * SEC);
      await c.act('accept', { actor: ACTORS.grid, note: '已受理' });
      await c.wait(6 * MIN + 11 * SEC);
      await c.act('respond', { actor: ACTORS.grid, decision: 'COMMUNITY', note: '小区公共事务，交社区协商' });
      await c.wait(41 * MIN + 3 * SEC);
      await c.act('deliberate', { actor: ACTORS.community, step: 'SAY', text: '书香门第小区车辆乱停乱放', source: '民情驿站' });
      await c.wait(2 * MIN + 5 * SEC);
      await c.act('deliberate', { actor: ACTORS.community, step: 'SAY', text: '书香门第小区车辆乱停乱放，堵塞消防通道', source: '民情驿站' });
      await c.wait(HOUR + 13 * MIN + 1 * SEC);
      await c.act('deliberate', { actor: ACTORS.community, step: 'ASK', text: '小区停车秩序整治' });
      await c.wait(2 * HOUR + 7 * MIN + 9 * SEC);
      await c.act('deliberate', {
        actor: ACTORS.street,
        step: 'DISCUSS',
        text: '由小区物业公司出资安装起降杆，划定停车位',
        forum: 'COMMUNITY_COUNCIL',
        participants: [
          { name: '王书记', role: '社区党委书记', unit: '御康社区' },
          { name: '李经理', role: '物业经理', unit: '小区物业公司' },
          { name: '张代表', role: '居民代表' },
        ],
      });
      await c.wait(HOUR + 17 * MIN + 3 * SEC);
      await c.act('deliberate', { actor: ACTORS.community, step: 'DO', text: '起降杆已安装，车位已划线', stream: 'SMALL' });
      await c.wait(9 * MIN + 13 * SEC);
      await c.act('result', { actor: ACTORS.community, summary: '停车秩序已整治' });
      await c.wait(21 * MIN + 5 * SEC);
      // Refused by the update's validator while the deliberation is open: nothing is written to the history.
      await c.act('review', { actor: ACTORS.street, decision: 'CLOSE', reason: '核实已办结' }).then(
        () => {
          throw new Error('the close should be refused while the deliberation is open');
        },
        () => undefined,
      );
      await c.wait(11 * MIN + 7 * SEC);
      await c.act('deliberate', {
        actor: ACTORS.community,
        step: 'EVALUATE',
        text: '党员和居民代表大会民主评议',
        votes: { satisfied: 31, basicallySatisfied: 6, dissatisfied: 2 },
        cadres: ['王书记', '刘委员'],
      });
      await c.wait(13 * MIN + 3 * SEC);
      await c.act('review', { actor: ACTORS.street, decision: 'CLOSE', reason: '核实已办结，居民评议满意' });
      await c.wait(HOUR + 11 * MIN + 5 * SEC);
      await c.act('survey', { actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
    },
  },
  {
    name: 'clock-paused-resumed',
    description: "A case started with clock pauses (CasePolicy.pause): the grid takes it on and asks to pause its completion clock (the reporter is not at home); the street rejects it (PAUSE_REJECTED); asked again (waiting for a court ruling), the street approves (PAUSE_APPROVED): the completion window stops and days pass beyond its old deadline with no reminder and no lapse; the grid resumes (PAUSE_ENDED): the deadline moves by the working time paused, and the result, submitted after the old deadline, is on time (REVIEW_REQUESTED with pausedMinutes); the street reviews and closes it.",
    recordsWindows: true,
    paced: true,
    routines: true,
    fromReceipt: true,
    site: true,
    byActivity: true,
    pause: true,
    async run(c) {
      await c.wait(3 * MIN + 1 * SEC);
      await c.act('accept', { actor: ACTORS.grid });
      await c.wait(9 * MIN + 7 * SEC);
      await c.act('respond', { actor: ACTORS.grid, decision: 'SELF' });
      await c.wait(HOUR + 13 * MIN + 3 * SEC);
      let s = await c.act('pause', { actor: ACTORS.grid, windowKind: 'COMPLETION', reasonKind: 'REPORTER_UNREACHABLE', reason: '诉求人不在家，无法入户查看' });
      await c.wait(27 * MIN + 5 * SEC);
      await c.act('pause-decision', { actor: ACTORS.street, pauseId: s.pauses![0].id, approve: false, reason: '可电话预约，继续办理' });
      await c.wait(2 * HOUR + 3 * MIN + 1 * SEC);
      s = await c.act('pause', { actor: ACTORS.grid, reasonKind: 'THIRD_PARTY', reason: '涉及产权纠纷，等待法院裁定' });
      await c.wait(41 * MIN + 7 * SEC);
      await c.act('pause-decision', { actor: ACTORS.street, pauseId: s.pauses![1].id, approve: true, reason: '属实，同意暂停计时' });
      // Past the old completion deadline (3 working days) by a day: paused, nothing lapses.
      await c.wait(7 * 24 * HOUR + 17 * MIN + 3 * SEC);
      await c.act('pause-end', { actor: ACTORS.grid, pauseId: s.pauses![1].id, note: '法院已裁定，恢复办理' });
      await c.wait(3 * HOUR + 11 * MIN + 5 * SEC);
      await c.finish(ACTORS.grid, ACTORS.street, '已按裁定处理');
    },
  },
  {
    name: 'clock-pause-lapsed-planned-end',
    description: "A case started with clock pauses (CasePolicy.pause): the grid asks to pause its completion clock until a planned end; the street lets the decision window lapse (BREACHED on PAUSE_DECISION, the street's) and the request climbs to the command center (PAUSE_ESCALATED), which approves; at the planned end the pause ends by itself (PAUSE_ENDED, PLANNED_END, recorded by the clock) and the deadline and the case's timer move by the working time paused; the grid finishes, the street closes.",
    recordsWindows: true,
    paced: true,
    routines: true,
    fromReceipt: true,
    site: true,
    byActivity: true,
    pause: true,
    async run(c) {
      await c.wait(3 * MIN + 1 * SEC);
      await c.act('accept', { actor: ACTORS.grid });
      await c.wait(9 * MIN + 7 * SEC);
      await c.act('respond', { actor: ACTORS.grid, decision: 'SELF' });
      await c.wait(37 * MIN + 3 * SEC);
      const s = await c.act('pause', { actor: ACTORS.grid, reasonKind: 'THIRD_PARTY', reason: '等待供水公司停水检修', until: (await c.now()) + 2 * 24 * HOUR });
      const pauseId = s.pauses![0].id;
      // The street's decision window (working hours) lapses; the command center decides.
      await c.waitUntil((await c.dueOf('PAUSE_DECISION')) + 7 * MIN + 3 * SEC);
      await c.act('pause-decision', { actor: ACTORS.cc, pauseId, approve: true, reason: '同意暂停计时' });
      const until = s.pauses![0].until!;
      await c.waitUntil(until + 19 * MIN + 7 * SEC);
      await c.wait(HOUR + 3 * MIN + 1 * SEC);
      await c.finish(ACTORS.grid, ACTORS.street, '检修完成后已处理');
    },
  },
  {
    name: 'ladder-community-duty-desk',
    description: "A case started on the default ladder with the community (层层, policy.ladder GRID → COMMUNITY → STREET → …): nobody accepts, and the accept window climbs grid → community → street → command center, ten minutes a level, each holder told (CASE_ESCALATED to the community's worker first), and stops there (HOLD: the duty desk is told to dispatch, nothing lapses again); the command center sends it down to the community (派单), whose worker accepts and handles it; the street reviews and closes it.",
    recordsWindows: true,
    paced: true,
    routines: true,
    fromReceipt: true,
    site: true,
    deliberation: true,
    pause: true,
    byActivity: true,
    triage: true,
    communityStep: true,
    // The sample's kind (BIG) left unrouted, as by default when this was recorded: the case starts with the grid.
    options: { triageRoutes: ['SMALL', 'PRIVATE'] },
    async run(c) {
      // Lapses at 09:40 (grid), 09:50 (community), 10:00 (street), 10:10 (the command center: held).
      await c.wait(41 * MIN + 13 * SEC);
      await c.act('send-down', { actor: ACTORS.cc, level: 'COMMUNITY', reason: '属社区职责，请社区受理' });
      await c.wait(3 * MIN + 7 * SEC);
      await c.act('accept', { actor: ACTORS.community, note: '社区已受理' });
      await c.wait(11 * MIN + 5 * SEC);
      await c.act('respond', { actor: ACTORS.community, decision: 'SELF', note: '社区自行处置' });
      await c.wait(2 * HOUR + 13 * MIN + 3 * SEC);
      await c.finish(ACTORS.community, ACTORS.street, '社区已协调清理');
    },
  },
];

async function ladderPacedNight(c: CaseDriver): Promise<void> {
  await c.wait(3 * MIN + 1 * SEC);
  await c.act('accept', { actor: ACTORS.grid });
  await c.wait(11 * MIN + 7 * SEC);
  await c.act('respond', { actor: ACTORS.grid, decision: 'SELF' });
  // 09:30 + 2 h × 5: the on-site window lapses at 11:30, 13:30, 15:30, 17:30 and 19:30.
  await c.wait(10 * HOUR + 7 * MIN + 3 * SEC);
  // The next working morning, 09:40.
  const cal = c.input.calendar;
  await c.waitUntil(nextWorkingMorning(await c.now(), cal) + 10 * MIN);
  await c.finish(ACTORS.principal, ACTORS.principal, '区领导协调排险');
}

/** Run one scenario on a fresh time-skipping server; returns the files written. */
async function record(scenario: Scenario, index: number, serverPath: string | undefined): Promise<string[]> {
  const env = await startTimeSkippingEnv(serverPath);
  const recorder = new MemoryRecorder();
  const taskQueue = `record-${scenario.name}`;
  const activities = recorder.activities();
  // Like the real activity: fails (and Temporal retries) until the case's last run has closed.
  activities.archiveCaseHistory = async ({ workflowId }) => {
    const runs = await fetchRunChain(env.client, workflowId);
    if (!runs || runs.at(-1)!.status === 'RUNNING') throw ApplicationFailure.retryable(`case ${workflowId} is still running`, 'CaseStillRunning');
    return { events: runs.reduce((n, r) => n + (r.history.events?.length ?? 0), 0), runs: runs.length };
  };
  const sweeps = {
    // The sweep's record, in memory: the day as the workflow planned it, one item, street and command center told.
    recordEndOfDaySweep: async (i: RecordEndOfDaySweepInput): Promise<RecordEndOfDaySweepResult> => ({ date: i.date, created: true, items: 1, notifications: 2 }),
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: { ...activities, ...sweeps } });
  const files: string[] = [];
  try {
    await worker.runUntil(async () => {
      const morning = nextWorkingMorning(await env.currentTimeMs(), caseInput(0).calendar);
      await env.sleep(morning - (await env.currentTimeMs()));
      const input = caseInput(await env.currentTimeMs(), {
        noRecordedWindows: !scenario.recordsWindows,
        noPacing: !scenario.paced,
        noRoutines: !scenario.routines,
        noResponseFromReceipt: !scenario.fromReceipt,
        noSite: !scenario.site,
        noDeliberation: !scenario.deliberation,
        noPause: !scenario.pause,
        recordLocally: !scenario.byActivity,
        noTriage: !scenario.triage,
        noCommunityStep: !scenario.communityStep,
        ...scenario.options,
      });
      input.intake.code = `GL-${localDate(input.intake.reportedAt, input.calendar).replace(/-/g, '')}-${String(990001 + index)}`;
      // A report's files are read under the case's own path, known only now.
      if (input.intake.files) input.intake.files = input.intake.files.map((f) => ({ ...f, url: f.url.replace('{code}', input.intake.code) }));
      await env.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
      const driver = new CaseDriver(env, input);
      await driver.quiet();
      await scenario.run(driver);
      await driver.handle.result();
      const runs = (await fetchRunChain(env.client, input.intake.code)) ?? [];
      const multi = runs.length > 1;
      for (const run of runs) {
        const file = multi ? `${scenario.name}.run-${run.runIndex}.json` : `${scenario.name}.json`;
        writeFileSync(path.join(HISTORIES_DIR, file), `${JSON.stringify(historyToJson(run.history), null, 2)}\n`);
        files.push(file);
      }
      if (scenario.sweepAs) {
        const sweep = await env.client.workflow.start('endOfDaySweepWorkflow', {
          // The file's name: the strict replay runs it under that workflow id.
          workflowId: scenario.sweepAs,
          taskQueue,
          args: [{ date: localDate(input.intake.reportedAt, input.calendar) }],
        });
        await sweep.result();
        const file = `${scenario.sweepAs}.json`;
        writeFileSync(path.join(HISTORIES_DIR, file), `${JSON.stringify(historyToJson(await sweep.fetchHistory()), null, 2)}\n`);
        files.push(file);
      }
      if (scenario.archiveAs) {
        // As in production: the last recordCase of an ended case starts the archiver.
        await makeStartArchiver(env.client, taskQueue)(input.intake.code);
        const archiver = env.client.workflow.getHandle(archiveWorkflowId(input.intake.code));
        await archiver.result();
        const file = `${scenario.archiveAs}.json`;
        writeFileSync(path.join(HISTORIES_DIR, file), `${JSON.stringify(historyToJson(await archiver.fetchHistory()), null, 2)}\n`);
        files.push(file);
      }
    });
  } finally {
    await env.teardown();
  }
  return files;
}

function writeReadme(recorded: Array<{ scenario: Scenario; files: string[] }>): void {
  const lines = [
    '# Replay corpus',
    '',
    'One real Temporal history per path a case can take, recorded by `npm run histories:record`',
    '(scripts/recordHistories.ts) on the time-skipping test server with in-memory activities.',
    'Each file is one run exactly as Temporal exports it (protobuf JSON, like `temporal workflow show -o json`); a continued-as-new case has one file per run',
    '(`<path>.run-<n>.json`). `test/replay/corpus.test.ts` replays every file against the current workflow code:',
    'a change that would break a running case fails there first. Re-record only on purpose (see docs/VERSIONING.md).',
    '',
    '`v1-activity-recorder/` holds the corpus recorded before facts were recorded by a local activity; it is frozen',
    '(never re-recorded) and replayed too, since cases started then may still be running. The paths here record by the',
    'local activity (`recordLocally`, as cases started until issue 17 do) except those marked `byActivity` in the recorder.',
    '',
    '| path | files | what happens |',
    '|---|---|---|',
    ...recorded.map(({ scenario, files }) => `| ${scenario.name} | ${files.map((f) => `\`${f}\``).join(', ')} | ${scenario.description} |`),
    '',
  ];
  writeFileSync(path.join(HISTORIES_DIR, 'README.md'), lines.join('\n'));
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = only.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown path(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const serverPath = await resolveTestServer();
  const recorded: Array<{ scenario: Scenario; files: string[] }> = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    if (only.length && !only.includes(scenario.name)) continue;
    // Stale run files of this path (a chain may get shorter) go before recording it again.
    for (const f of readdirSync(HISTORIES_DIR)) if (f.startsWith(`${scenario.name}.run-`)) rmSync(path.join(HISTORIES_DIR, f));
    const started = Date.now();
    const files = await record(scenario, i, serverPath);
    recorded.push({ scenario, files });
    process.stdout.write(`${scenario.name}: ${files.join(', ')} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
  }
  if (!only.length) writeReadme(recorded);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
