// The timeline derived from each recorded history (test/histories) accounts for every
// fact the workflow persisted, with the right times, actors and window due times. The
// facts are read here independently of features/audit/timeline: straight from the base64 JSON
// payloads of the recordCase ActivityTaskScheduled events (v1 corpus) or recordCaseLocally
// markers (current corpus).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJson } from '../../platform/historyJson';
import { deriveTimeline, formatTimeline, type Timeline, type TimelineEntry } from '../../features/audit/timeline';

const DIR = path.resolve(__dirname, '..', 'histories');
/** Histories recorded before local recording (workflows/messages CaseOptions.recordLocally). */
const V1_DIR = path.join(DIR, 'v1-activity-recorder');
const MIN = 60_000;

type JsonEvent = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type JsonHistory = { events: JsonEvent[] };

const payload = (p: { data: string }) => JSON.parse(Buffer.from(p.data, 'base64').toString('utf8'));

/** The recordCase input an event carries, decoded by hand: an activity's input, or the echo in a local activity's marker. */
function recordInputOf(e: JsonEvent): { facts: Array<{ event: unknown }> } | null {
  if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordCase') return payload(e.activityTaskScheduledEventAttributes.input.payloads[0]);
  const m = e.markerRecordedEventAttributes;
  if (m?.markerName !== 'core_local_activity' || !m.details.result) return null;
  if (payload(m.details.data.payloads[0]).activity_type !== 'recordCaseLocally') return null;
  return payload(m.details.result.payloads[0]).recorded;
}

/** One corpus folder: its paths (run files oldest first) and readers. */
function corpus(dir: string) {
  const readJson = (file: string): JsonHistory => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const CHAINS: Record<string, string[]> = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const m = /^(.*?)(?:\.run-(\d+))?\.json$/.exec(f)!;
    (CHAINS[m[1]] ??= []).push(f);
  }
  for (const files of Object.values(CHAINS)) files.sort((a, b) => Number(/run-(\d+)/.exec(a)?.[1] ?? 0) - Number(/run-(\d+)/.exec(b)?.[1] ?? 0));
  // The archiver's and the end-of-day sweep's histories are other workflow types.
  const CASE_PATHS = Object.keys(CHAINS).filter((n) => n !== 'archive-case-workflow' && n !== 'end-of-day-sweep');

  const cache = new Map<string, Timeline>();
  const timelineOf = (name: string): Timeline => {
    if (!cache.has(name)) cache.set(name, deriveTimeline(CHAINS[name].map((f) => ({ history: readJson(f) }))));
    return cache.get(name)!;
  };

  /** The facts as the recordings received them, decoded by hand. */
  const recordedFacts = (name: string): Array<Record<string, any>> => // eslint-disable-line @typescript-eslint/no-explicit-any
    CHAINS[name].flatMap((f) => readJson(f).events.flatMap((e) => recordInputOf(e)?.facts.map((x) => x.event) ?? [])) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

  /** Every accepted update: name and its input (actor…), decoded by hand. */
  const acceptedUpdates = (name: string): Array<{ id: string; name: string; input: any }> => // eslint-disable-line @typescript-eslint/no-explicit-any
    CHAINS[name].flatMap((f) =>
      readJson(f)
        .events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)
        .map((e) => {
          const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
          return { id: req.meta.updateId, name: req.input.name, input: payload(req.input.args.payloads[0]) };
        }),
    );
  return { readJson, CHAINS, CASE_PATHS, timelineOf, recordedFacts, acceptedUpdates };
}

const facts = (t: Timeline, type?: string) => t.entries.filter((e) => e.kind === 'FACT' && (type === undefined || e.type === type));
const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);
const reportedAt = (t: Timeline) => ms(t.intake!.reportedAt);
/** Whole seconds: timers fire and actions land a few real milliseconds after their instant. */
const secs = (x: number) => Math.round(x / 1000);
const mins = (x: number) => secs(x) / 60;

describe.each([
  ['current corpus', DIR],
  ['v1 corpus (recordCase activity)', V1_DIR],
])('%s', (_label, dir) => {
  const { readJson, CHAINS, CASE_PATHS, timelineOf, recordedFacts, acceptedUpdates } = corpus(dir);

  it('the corpus has the paths the workflow can take', () => {
    expect(CASE_PATHS.sort()).toEqual(
      [
        'accepted-in-time', 'department-called-late', 'directory-changed', 'extension-approved', 'extension-approver-lapse',
        'extension-rejected', 'ladder-never-touched', 'long-term-plan', 'private-guidance', 'reminder',
        'review-returned-then-closed', 'survey-unreachable', 'survey-unsatisfied-reopen', 'triage-community',
        'urgent-on-site-breach', 'whistle',
        // Recorded since runs are archived one by one (CaseOptions.archiveEarlierRuns), and since
        // the machine records the windows after each step (CaseOptions.recordWindows).
        ...(dir === DIR ? ['long-term-plan-runs-archived', 'urgent-on-site-breach-windows-recorded'] : []),
        // Recorded since running cases follow the directory and the calendar (patches directory-change-reassigns, calendar-change-replans).
        ...(dir === DIR ? ['directory-reassigned', 'calendar-replanned'] : []),
        // Recorded since the ladder is paced (CasePolicy.pacing).
        ...(dir === DIR ? ['ladder-paced-duty-desk', 'ladder-paced-night'] : []),
        // Recorded since the leaders' lists and supervision (CasePolicy.leaderList, .supervision).
        ...(dir === DIR ? ['leader-list-ticked-off', 'supervision-urged-noticed'] : []),
        // Recorded since a report carries its files (CaseIntake.files).
        ...(dir === DIR ? ['report-with-photos'] : []),
        // Recorded since the response window counts from receipt (CasePolicy.responseFromReceipt).
        ...(dir === DIR ? ['response-from-receipt'] : []),
        // Recorded since arrival and the hazard steps (CasePolicy.site).
        ...(dir === DIR ? ['hazard-cleared-on-site'] : []),
        // Recorded since new cases record by the recordCase activity again (CaseOptions.recordLocally withdrawn).
        ...(dir === DIR ? ['ladder-paced-night-by-activity'] : []),
        // Recorded since the three kinds' routes (CasePolicy.triage).
        ...(dir === DIR ? ['triage-small-at-community', 'triage-big-fast-track', 'triage-private-retriaged'] : []),
        // Recorded since the command center sends cases down (the sendDown update, 派单).
        ...(dir === DIR ? ['sent-down-by-command-center'] : []),
        // Recorded since the five-step deliberation (CasePolicy.deliberation).
        ...(dir === DIR ? ['community-deliberation'] : []),
        // Recorded since clock pauses (CasePolicy.pause).
        ...(dir === DIR ? ['clock-paused-resumed', 'clock-pause-lapsed-planned-end'] : []),
        // Recorded since the default ladder names the community (层层).
        ...(dir === DIR ? ['ladder-community-duty-desk'] : []),
      ].sort(),
    );
  });

  describe.each(CASE_PATHS)('%s', (name) => {
    it('accounts for every recorded fact exactly once, with its time, actor, unit, level and data', () => {
      const t = timelineOf(name);
      const recorded = recordedFacts(name);
      const entries = facts(t);
      expect(recorded.length).toBeGreaterThan(0);
      expect(t.facts).toBe(recorded.length);
      expect(entries.map((e) => e.seq)).toEqual(recorded.map((_, i) => i + 1));
      for (const [i, f] of recorded.entries()) {
        const e = entries[i];
        expect({ seq: e.seq, type: e.type, at: ms(e.at), actor: e.actor?.personId ?? null, role: e.actor?.role ?? null, unitId: e.unitId, level: e.level, data: e.data }).toEqual({
          seq: f.seq, type: f.type, at: f.at, actor: f.actorId, role: f.actorRole, unitId: f.unitId, level: f.level, data: f.data,
        });
        expect(e.persisted).toBe(true);
      }
      expect(t.warnings).toEqual([]);
    });

    it('ties every action to the update that carried it, with that update\'s actor', () => {
      const t = timelineOf(name);
      const updates = acceptedUpdates(name);
      // The report and the files sent with it come from intake, not from an update.
      for (const e of facts(t).filter((x) => x.actor && x.cause?.kind !== 'INTAKE')) {
        expect(e.cause?.kind).toBe('ACTION');
        const u = updates.find((x) => e.cause?.kind === 'ACTION' && x.id === e.cause.updateId)!;
        expect(u).toBeDefined();
        expect(u.input.actor).toEqual({ personId: e.actor!.personId, role: e.actor!.role, unitId: e.actor!.unitId });
      }
      // Every accepted update shows up in some fact: no action is missing from the timeline.
      const linked = new Set(facts(t).flatMap((e) => (e.cause?.kind === 'ACTION' ? [e.cause.updateId] : e.cause?.kind === 'CONSEQUENCE' && e.cause.root?.kind === 'ACTION' ? [e.cause.root.updateId] : [])));
      expect(updates.map((u) => u.id).filter((id) => !linked.has(id))).toEqual([]);
      expect(t.entries.filter((e) => e.kind === 'ACTION_FAILED' || e.kind === 'ACTION_WITHOUT_FACT')).toEqual([]);
    });

    it('shows a due time for every window it names and every deadline in force', () => {
      const t = timelineOf(name);
      for (const e of facts(t)) {
        if (e.window) expect({ seq: e.seq, type: e.type, dueAt: ms(e.window.dueAt) > 0 }).toEqual({ seq: e.seq, type: e.type, dueAt: true });
        for (const w of e.deadlines ?? []) expect({ seq: e.seq, kind: w.kind, dueAt: ms(w.dueAt) > 0 }).toEqual({ seq: e.seq, kind: w.kind, dueAt: true });
      }
      // Steps against a window carry it: accept, first response, review request, survey…
      for (const type of ['ACCEPTED', 'RESPONDED', 'REVIEW_REQUESTED', 'BREACHED', 'REMINDED', 'SURVEY_RECORDED', 'REVIEWED_CLOSED']) {
        for (const e of facts(t, type)) {
          // Accepted after the ladder ran out, or after the duty desk was told (HOLD restarts no window): no window left.
          if (type === 'ACCEPTED' && (name === 'ladder-never-touched' || name === 'ladder-paced-duty-desk')) continue;
          expect({ type, window: e.window?.kind ?? null }).not.toEqual({ type, window: null });
        }
      }
    });

    it('is ordered in time, runs in order, and reads as text', () => {
      const t = timelineOf(name);
      for (let i = 1; i < t.entries.length; i++) {
        const [a, b] = [t.entries[i - 1], t.entries[i]];
        expect(b.runIndex > a.runIndex || (b.runIndex === a.runIndex && ms(b.at) >= ms(a.at))).toBe(true);
      }
      expect(t.entries[0]).toMatchObject({ kind: 'RUN', type: 'RUN_STARTED', runIndex: 0 });
      expect(t.entries.at(-1)).toMatchObject({ kind: 'RUN', type: 'COMPLETED' });
      const text = formatTimeline(t);
      expect(text.split('\n')).toHaveLength(t.entries.length + 2);
      expect(text).toContain('+08:00');
    });
  });

  it('decoded histories and JSON exports give the same timeline', () => {
    const json = CHAINS['department-called-late'].map((f) => ({ history: readJson(f) }));
    const decoded = CHAINS['department-called-late'].map((f) => ({ history: historyFromJson(readJson(f)) }));
    expect(deriveTimeline(decoded)).toEqual(deriveTimeline(json));
  });

  describe('what the timeline says', () => {
    it('accepted in time: who accepted, when, against which window', () => {
      const t = timelineOf('accepted-in-time');
      const [accepted] = facts(t, 'ACCEPTED');
      expect(accepted.actor).toEqual({ personId: 'p-grid', role: 'GRID_WORKER', unitId: 'GL-S01-C01-G01' });
      expect(accepted.cause).toMatchObject({ kind: 'ACTION', update: 'acceptCase' });
      expect(secs(ms(accepted.at) - reportedAt(t))).toBe(4 * 60 + 17);
      expect(accepted.window).toMatchObject({ kind: 'ACCEPT', relation: 'IN_FORCE' });
      expect(ms(accepted.window!.dueAt) - reportedAt(t)).toBe(10 * MIN);
      expect(accepted.onTime).toBe(true);
      // After accepting, the first-response window is the deadline in force.
      expect(accepted.deadlines!.map((w) => w.kind)).toEqual(['RESPONSE']);
      expect(accepted.after).toMatchObject({ status: 'ACCEPTED', level: 'GRID', assigneeId: 'p-grid' });
      expect(accepted.text).toMatch(/ACCEPTED by p-grid \(GRID_WORKER, GL-S01-C01-G01\).*accept window .* due 2026-\d\d-\d\d 09:40:00 \+08:00, in time/);
      const [survey] = facts(t, 'SURVEY_RECORDED');
      expect(survey).toMatchObject({ actor: { personId: 'p-cc', role: 'COMMAND_CENTER' }, data: { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' } });
      expect(t.outcome).toMatchObject({ status: 'SURVEYED', resolution: 'RESOLVED', breaches: 0 });
    });

    it('the untouched case: one breach per level, blamed on the unit that held the window, each level due 10 minutes later', () => {
      const t = timelineOf('ladder-never-touched');
      const breaches = facts(t, 'BREACHED');
      expect(breaches.map((b) => [b.level, b.unitId, b.window?.kind, b.window?.relation, (ms(b.window?.dueAt) - reportedAt(t)) / MIN, b.onTime])).toEqual([
        ['GRID', 'GL-S01-C01-G01', 'ACCEPT', 'LAPSED', 10, false],
        ['STREET', 'GL-S01', 'ACCEPT', 'LAPSED', 20, false],
        ['COMMAND_CENTER', 'GL', 'ACCEPT', 'LAPSED', 30, false],
        ['DEPUTY_LEADER', 'GL', 'ACCEPT', 'LAPSED', 40, false],
        ['PRINCIPAL_LEADER', 'GL', 'ACCEPT', 'LAPSED', 50, false],
      ]);
      for (const b of breaches) expect(b.cause).toMatchObject({ kind: 'CLOCK', timerId: expect.any(String) });
      const escalations = facts(t, 'ESCALATED');
      expect(escalations.map((e) => [e.data.from, e.data.to, e.data.cause])).toEqual([
        ['GRID', 'STREET', 'BREACH'], ['STREET', 'COMMAND_CENTER', 'BREACH'], ['COMMAND_CENTER', 'DEPUTY_LEADER', 'BREACH'], ['DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'BREACH'],
      ]);
      // Each escalation shows the window restarted at the new level, due as later recorded (not computed).
      expect(escalations.map((e) => [e.window?.level, (ms(e.window?.dueAt) - reportedAt(t)) / MIN, e.window?.computed ?? false])).toEqual([
        ['STREET', 20, false], ['COMMAND_CENTER', 30, false], ['DEPUTY_LEADER', 40, false], ['PRINCIPAL_LEADER', 50, false],
      ]);
      for (const e of escalations) expect(e.cause).toMatchObject({ kind: 'CONSEQUENCE', root: { kind: 'CLOCK' } });
      expect(facts(t, 'LEADER_LISTED')).toHaveLength(1);
      expect(facts(t, 'REMINDED').map((r) => mins(ms(r.at) - reportedAt(t)))).toEqual([8, 18, 28, 38, 48]);
    });

    it('a reminder at 80% of the window, then acceptance just before it lapses', () => {
      const t = timelineOf('reminder');
      const [reminder] = facts(t, 'REMINDED');
      expect(mins(ms(reminder.at) - reportedAt(t))).toBe(8);
      expect(reminder.window).toMatchObject({ kind: 'ACCEPT', relation: 'REMINDED', unitId: 'GL-S01-C01-G01' });
      expect((ms(reminder.window!.dueAt) - reportedAt(t)) / MIN).toBe(10);
      expect(facts(t, 'ACCEPTED')[0].onTime).toBe(true);
      expect(facts(t, 'BREACHED')).toEqual([]);
    });

    it('departments called: one reports in time, the late one is blamed and the case goes up', () => {
      const t = timelineOf('department-called-late');
      const calls = facts(t, 'DEPARTMENT_CALLED');
      expect(calls.map((c) => [c.unitId, c.window?.kind, c.window?.relation])).toEqual([
        ['GL-D-CG', 'REPORT', 'OPENED'],
        ['GL-D-SJ', 'REPORT', 'OPENED'],
      ]);
      const reports = facts(t, 'DEPARTMENT_REPORTED');
      expect(reports.map((r) => [r.actor?.personId, r.unitId, r.onTime])).toEqual([
        ['p-dept-sj', 'GL-D-SJ', true],
        ['p-dept-cg', 'GL-D-CG', false],
      ]);
      const [breach] = facts(t, 'BREACHED');
      expect(breach).toMatchObject({ unitId: 'GL-D-CG', window: { kind: 'REPORT', relation: 'LAPSED' } });
      expect(breach.window!.dueAt).toBe(calls[0].window!.dueAt);
      expect(facts(t, 'ESCALATED')[0].data).toMatchObject({ from: 'STREET', to: 'COMMAND_CENTER', cause: 'BREACH' });
      expect(facts(t, 'EVIDENCE_UPLOADED').map((e) => [e.actor?.personId, e.data.kind])).toEqual([['p-dept-cg', 'VIDEO'], ['p-dept-sj', 'DOCUMENT']]);
      expect(facts(t, 'REVIEWED_CLOSED')[0].actor).toMatchObject({ personId: 'p-cc', role: 'COMMAND_CENTER' });
    });

    it('review returned, then closed: both decisions with the reviewer and the review window', () => {
      const t = timelineOf('review-returned-then-closed');
      const [returned] = facts(t, 'REVIEW_RETURNED');
      expect(returned).toMatchObject({ actor: { personId: 'p-street', role: 'STREET_DISPATCHER', unitId: 'GL-S01' }, data: { reason: '未提供现场照片' } });
      expect(returned.window).toMatchObject({ kind: 'REVIEW', level: 'STREET' });
      expect(facts(t, 'REVIEWED_CLOSED')).toHaveLength(1);
      expect(facts(t, 'REVIEW_REQUESTED')).toHaveLength(2);
    });

    it('triage to the community and private-matter guidance', () => {
      const community = timelineOf('triage-community');
      expect(facts(community, 'RESPONDED')[0].data).toMatchObject({ decision: 'COMMUNITY' });
      expect(facts(community, 'RESULT_SUBMITTED')[0].actor).toMatchObject({ personId: 'p-community', role: 'COMMUNITY_WORKER' });
      expect(facts(community, 'RESULT_SUBMITTED')[0].window).toMatchObject({ kind: 'COMPLETION', unitId: 'GL-S01-C01' });
      const guidance = timelineOf('private-guidance');
      expect(facts(guidance).map((e) => e.type)).toEqual(['REPORTED', 'ACCEPTED', 'GUIDANCE_GIVEN', 'CLOSED']);
      expect(guidance.outcome).toMatchObject({ status: 'CLOSED', resolution: 'GUIDANCE' });
    });

    it('a whistle is an escalation by a person, with the reason', () => {
      const t = timelineOf('whistle');
      const [esc] = facts(t, 'ESCALATED');
      expect(esc).toMatchObject({ actor: { personId: 'p-grid' }, cause: { kind: 'ACTION', update: 'whistle' }, data: { cause: 'WHISTLE', reason: '需要城管执法', to: 'STREET' } });
      expect(esc.window).toMatchObject({ kind: 'RESPONSE', level: 'STREET', unitId: 'GL-S01' });
    });

    it.each(CASE_PATHS.filter((p) => p.startsWith('long-term-plan')))('the long-term plan across three runs (%s): seq continues, each run in order, reviews by the clock', (name) => {
      const t = timelineOf(name);
      expect(t.runs.map((r) => [r.runIndex, r.status, r.seqs])).toEqual([
        [0, 'CONTINUED_AS_NEW', [1, 5]],
        [1, 'CONTINUED_AS_NEW', [6, 6]],
        [2, 'COMPLETED', [7, 12]],
      ]);
      expect(t.entries.filter((e) => e.kind === 'RUN').map((e) => `${e.runIndex}:${e.type}`)).toEqual([
        '0:RUN_STARTED', '0:CONTINUED_AS_NEW', '1:RUN_STARTED', '1:CONTINUED_AS_NEW', '2:RUN_STARTED', '2:COMPLETED',
      ]);
      const reviews = facts(t, 'PLAN_REVIEW_DUE');
      expect(reviews.map((r) => [r.runIndex, r.cause?.kind, r.window?.kind])).toEqual([[0, 'CLOCK', 'PLAN_REVIEW'], [1, 'CLOCK', 'PLAN_REVIEW']]);
      const planned = facts(t, 'LONG_TERM_PLANNED')[0];
      expect(ms(reviews[0].window!.dueAt) - ms(planned.at)).toBe(7 * 24 * 60 * MIN);
      expect(facts(t, 'PLAN_RESUMED')[0]).toMatchObject({ runIndex: 2, actor: { personId: 'p-grid' } });
    });

    it('extension decisions: approved (deadline moves), rejected, and a lapsed approver', () => {
      const approved = facts(timelineOf('extension-approved'), 'EXTENSION_APPROVED')[0];
      expect(approved).toMatchObject({ actor: { personId: 'p-cc', role: 'COMMAND_CENTER' }, window: { kind: 'EXTENSION_DECISION', level: 'COMMAND_CENTER' }, onTime: true });
      expect(ms(approved.deadlines!.find((w) => w.kind === 'COMPLETION')!.dueAt)).toBe(approved.data.newDueAt);
      expect(approved.data.newDueAt as number).toBeGreaterThan(approved.data.previousDueAt as number);

      const rejected = facts(timelineOf('extension-rejected'), 'EXTENSION_REJECTED')[0];
      expect(rejected).toMatchObject({ actor: { personId: 'p-deputy', role: 'DEPUTY_LEADER' }, window: { kind: 'EXTENSION_DECISION', level: 'DEPUTY_LEADER' } });
      expect(facts(timelineOf('extension-rejected'), 'EXTENSION_REQUESTED')[0].data).toMatchObject({ days: 5, approverLevel: 'DEPUTY_LEADER' });

      const lapse = timelineOf('extension-approver-lapse');
      const [breach] = facts(lapse, 'BREACHED');
      expect(breach).toMatchObject({ level: 'COMMAND_CENTER', window: { kind: 'EXTENSION_DECISION', relation: 'LAPSED' }, data: { escalatedTo: 'DEPUTY_LEADER' } });
      const [climbed] = facts(lapse, 'EXTENSION_ESCALATED');
      expect(climbed.cause).toMatchObject({ kind: 'CONSEQUENCE', ofSeq: breach.seq });
      // No event records the new decision window's due time: it is computed from the recorded policy and calendar.
      expect(climbed.window).toMatchObject({ kind: 'EXTENSION_DECISION', level: 'DEPUTY_LEADER', relation: 'OPENED', computed: true });
      expect(ms(climbed.window!.dueAt)).toBeGreaterThan(ms(climbed.at));
      const [decided] = facts(lapse, 'EXTENSION_APPROVED');
      expect(decided).toMatchObject({ actor: { personId: 'p-deputy' }, window: { level: 'DEPUTY_LEADER', dueAt: climbed.window!.dueAt } });
    });

    it('survey results: unsatisfied reopens the case, unreachable is recorded by the clock', () => {
      const reopen = timelineOf('survey-unsatisfied-reopen');
      expect(facts(reopen, 'SURVEY_RECORDED').map((s) => s.data.satisfaction)).toEqual(['UNSATISFIED', 'SATISFIED']);
      const [reopened] = facts(reopen, 'REOPENED');
      expect(reopened).toMatchObject({ actor: { personId: 'p-cc' }, window: { kind: 'COMPLETION', relation: 'OPENED' }, data: { reopenCount: 1 } });
      const unreachable = timelineOf('survey-unreachable');
      const [u] = facts(unreachable, 'SURVEY_UNREACHABLE');
      expect(u).toMatchObject({ cause: { kind: 'CLOCK' }, window: { kind: 'SURVEY', relation: 'LAPSED' }, onTime: false });
      expect(secs(ms(u.at) - ms(u.window!.dueAt))).toBe(0);
    });

    it('an urgent hazard: the on-site window lapses at the grid and restarts at the street', () => {
      const t = timelineOf('urgent-on-site-breach');
      const [breach] = facts(t, 'BREACHED');
      expect(breach.window).toMatchObject({ kind: 'ON_SITE', relation: 'LAPSED' });
      expect((ms(breach.window!.dueAt) - reportedAt(t)) / MIN).toBe(120);
      const [esc] = facts(t, 'ESCALATED');
      expect(esc.window).toMatchObject({ kind: 'ON_SITE', level: 'STREET', relation: 'OPENED', computed: true });
      expect((ms(esc.window!.dueAt) - reportedAt(t)) / MIN).toBe(240);
    });

    it('a signal that changed the directory appears, and the new grid worker\'s actions are theirs', () => {
      const t = timelineOf('directory-changed');
      const signal = t.entries.find((e) => e.kind === 'SIGNAL')!;
      expect(signal).toMatchObject({ type: 'directoryChanged', text: expect.stringContaining('GRID → p-grid-3') });
      const accepted = facts(t, 'ACCEPTED')[0];
      expect(accepted.n).toBeGreaterThan(signal.n);
      expect(accepted.actor?.personId).toBe('p-grid-3');
    });

    it('a non-case workflow (the archiver) gets its runs and no facts', () => {
      const t = deriveTimeline(readJson('archive-case-workflow.json'));
      expect(t).toMatchObject({ workflowType: 'archiveCaseWorkflow', facts: 0, code: null });
      expect(t.entries.map((e: TimelineEntry) => e.type)).toEqual(['RUN_STARTED', 'COMPLETED']);
    });
  });
});

// Paths only the current corpus has (running cases follow the directory and the calendar).
describe('reassignment and calendar re-plan (current corpus)', () => {
  const { timelineOf } = corpus(DIR);

  it('a reassignment and a re-planned calendar read as what they did', () => {
    const r = timelineOf('directory-reassigned');
    expect(facts(r, 'REASSIGNED').map((e) => e.text)).toEqual([
      expect.stringContaining('GRID post now held by p-grid-3 (新网格员), was p-grid; the case is reassigned to them: grid worker p-grid deactivated'),
      expect.stringContaining('STREET post now held by p-street-2 (新调度员), was p-street: grid worker p-grid deactivated'),
    ]);
    expect(facts(r, 'ACCEPTED')[0].actor?.personId).toBe('p-grid-3');
    const c = timelineOf('calendar-replanned');
    const [replanned] = facts(c, 'CALENDAR_REPLANNED');
    const moved = (replanned.data as { windows: Array<{ fromDueAt: number; toDueAt: number }> }).windows[0];
    expect(replanned.text).toContain('working calendar changed: completion window due');
    expect(moved.toDueAt - moved.fromDueAt).toBeGreaterThan(0);
    // The result came after the old deadline, before the new one: in time.
    expect(facts(c, 'REVIEW_REQUESTED')[0].onTime).toBe(true);
    expect(c.entries.find((e) => e.kind === 'SIGNAL')).toMatchObject({ type: 'calendarChanged', text: 'working calendar changed (change change-0002)' });
  });
});

describe('arrival and the hazard path (current corpus, CasePolicy.site)', () => {
  const { timelineOf } = corpus(DIR);

  it("the department's report meets the on-site window; the four steps read in order with their evidence; the promise kept", () => {
    const t = timelineOf('hazard-cleared-on-site');
    const [reported] = facts(t, 'DEPARTMENT_REPORTED');
    expect(reported.text).toContain('evidence PHOTO https://files.example/hazard-1.jpg');
    expect(reported.text).toMatch(/on-site window met \(due .*, in time\)/);
    expect(facts(t, 'SITE_STEP').map((e) => e.text.replace(/^.*on site: /, '').replace(/ for CALL.*$/, ''))).toEqual([
      'site surveyed (现场勘查)', 'plan decided (方案确定)', 'crew, material and machinery on site (人材机进场)', 'hazard cleared (消险)',
    ]);
    expect(facts(t, 'SITE_STEP').at(-1)!.text).toMatch(/two-hour promise \(due .*\) kept$/);
    // Met by the arrival: the on-site window never lapsed.
    expect(facts(t, 'BREACHED')).toEqual([]);
  });
});

describe('the five-step deliberation (current corpus, CasePolicy.deliberation)', () => {
  const { timelineOf } = corpus(DIR);

  it('说、问、议、办、评 read in order for the community, the correction marked, the meeting with its participants, the votes and the verdict', () => {
    const t = timelineOf('community-deliberation');
    const steps = facts(t, 'DELIBERATION_STEP');
    expect(steps.map((e) => e.text.replace(/^.*deliberation \(五步议事\) for GL-S01-C01: /, '').replace(/: .*$/, ''))).toEqual([
      'residents raise the matter (群众说事)',
      'residents raise the matter (群众说事) [correction]',
      'cadres fix the topic (干部问事)',
      'deliberation meeting (集中议事)',
      'work done together (合力办事)',
      "residents' democratic evaluation (民主评事)",
    ]);
    expect(steps[3].text).toContain('社区协商议事会 with 王书记 (社区党委书记, 御康社区), 李经理 (物业经理, 小区物业公司), 张代表 (居民代表)');
    expect(steps[4].text).toContain('三事分流 小事 协商共办');
    expect(steps[5].text).toContain('votes 满意 31 / 基本满意 6 / 不满意 2 → 满意; cadres 王书记, 刘委员');
    // The close waited for the evaluation: one close, after it.
    const closed = facts(t, 'REVIEWED_CLOSED');
    expect(closed).toHaveLength(1);
    expect(closed[0].seq!).toBeGreaterThan(steps[5].seq!);
  });
});

describe('clock pause (current corpus, CasePolicy.pause)', () => {
  const { timelineOf } = corpus(DIR);

  it('the pause reads on the timeline: asked, rejected, asked again, approved, resumed with the deadline moved; the result in time', () => {
    const t = timelineOf('clock-paused-resumed');
    expect(facts(t, 'PAUSE_REQUESTED').map((e) => e.text.replace(/^.*\): asks/, 'asks').replace(/ \(PAUSE-\d+, 暂停计时\)/, '').split(' — ')[0])).toEqual([
      'asks to pause the completion clock: reporter unreachable or not at home',
      'asks to pause the completion clock: waiting on a third party (e.g. a court ruling)',
    ]);
    expect(facts(t, 'PAUSE_REJECTED')[0].text).toMatch(/REJECTED: 可电话预约/);
    expect(facts(t, 'PAUSE_APPROVED')[0].text).toMatch(/the completion clock stops \(was due /);
    expect(facts(t, 'PAUSE_ENDED')[0].text).toMatch(/ended \(resumed by the holder\).*\(\d+ min on its clock\); completion due .* → /);
    expect(facts(t, 'REVIEW_REQUESTED')[0].text).toMatch(/, in time$/);
    expect(facts(t, 'BREACHED')).toEqual([]);
    expect(facts(t, 'REMINDED')).toEqual([]);
  });

  it("the approver's lapse climbs the request; the planned end ends the pause by the clock", () => {
    const t = timelineOf('clock-pause-lapsed-planned-end');
    expect(facts(t, 'BREACHED')[0].text).toMatch(/pause-decision window of GL-S01 .* goes to COMMAND_CENTER/);
    expect(facts(t, 'PAUSE_ESCALATED')[0].text).toMatch(/now waits for COMMAND_CENTER/);
    expect(facts(t, 'PAUSE_ENDED')[0].text).toMatch(/by the clock: .*\(its planned end passed\)/);
  });
});

describe('deadlines recorded by the machine (CaseOptions.recordWindows)', () => {
  const NAME = 'urgent-on-site-breach-windows-recorded';
  const { readJson, CHAINS, timelineOf } = corpus(DIR);

  /** The windows each recorded fact carries (the last fact of each step), decoded by hand. */
  const windowsAfter = (): Map<number, Array<Record<string, any>>> => // eslint-disable-line @typescript-eslint/no-explicit-any
    new Map(
      CHAINS[NAME].flatMap((f) => readJson(f).events.flatMap((e) => (recordInputOf(e)?.facts ?? []) as Array<{ event: { seq: number }; windowsAfter?: Array<Record<string, any>> }>)) // eslint-disable-line @typescript-eslint/no-explicit-any
        .filter((x) => x.windowsAfter)
        .map((x) => [x.event.seq, x.windowsAfter!]),
    );

  /** The same history with the flag taken out of its input: the timeline then derives the deadlines, as for a case started before the flag. */
  const derived = (): Timeline =>
    deriveTimeline(
      CHAINS[NAME].map((f) => {
        const h = readJson(f);
        const start = h.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
        const input = payload(start);
        delete input.options.recordWindows;
        start.data = Buffer.from(JSON.stringify(input), 'utf8').toString('base64');
        return { history: h };
      }),
    );

  const view = (w: { kind: string; dueAt: string | null; level: string | null; unitId: string | null }) => ({ kind: w.kind, dueAt: w.dueAt, level: w.level, unitId: w.unitId });

  it('shows, after each step, exactly the windows the machine recorded, and nothing computed', () => {
    const t = timelineOf(NAME);
    const recorded = windowsAfter();
    expect(recorded.size).toBeGreaterThan(0);
    for (const e of facts(t)) {
      const r = recorded.get(e.seq!);
      // In the middle of a step (a breach before its escalation, a result before its review request) nothing is shown.
      expect({ seq: e.seq, deadlines: e.deadlines }).toEqual({
        seq: e.seq,
        deadlines: r ? r.map((w) => ({ id: w.id, kind: w.kind, dueAt: new Date(w.dueAt).toISOString(), level: w.level, unitId: w.unitId })) : null,
      });
      expect(e.window?.computed).toBeUndefined();
    }
    // The on-site window restarted at the street comes from the record, with the machine's id.
    const [esc] = facts(t, 'ESCALATED');
    expect(esc.window).toMatchObject({ id: expect.stringMatching(/^ON_SITE-/), kind: 'ON_SITE', level: 'STREET', unitId: 'GL-S01', relation: 'OPENED' });
    expect((ms(esc.window!.dueAt) - reportedAt(t)) / MIN).toBe(240);
    expect(esc.text).not.toContain('(computed)');
    expect(t.warnings).toEqual([]);
  });

  it('agrees with what the derivation gives for the same history', () => {
    const t = timelineOf(NAME);
    const d = derived();
    // Without the flag the same history is read the old way: the restarted window is computed.
    expect(facts(d, 'ESCALATED')[0].window).toMatchObject({ kind: 'ON_SITE', level: 'STREET', computed: true });
    const [recordedFacts, derivedFacts] = [facts(t), facts(d)];
    expect(derivedFacts.map((e) => e.seq)).toEqual(recordedFacts.map((e) => e.seq));
    for (const [i, e] of recordedFacts.entries()) {
      const x = derivedFacts[i];
      expect({ seq: e.seq, window: e.window && view(e.window) }).toEqual({ seq: x.seq, window: x.window && view(x.window) });
      if (e.deadlines) expect({ seq: e.seq, deadlines: e.deadlines.map(view) }).toEqual({ seq: x.seq, deadlines: x.deadlines?.map(view) });
    }
  });
});

describe('facts recorded by the activity again (new cases, no CaseOptions.recordLocally)', () => {
  const { timelineOf } = corpus(DIR);
  /**
   * A fact as the timeline shows it. Instants are left out: the two paths were recorded on
   * different weekdays, so "the next working morning" falls after a weekend in one of them.
   */
  const shape = (t: Timeline) =>
    facts(t).map((e) => ({ seq: e.seq, type: e.type, level: e.level, actor: e.actor?.personId ?? null, deadlines: e.deadlines?.map((d) => ({ kind: d.kind, level: d.level })) ?? null }));

  it('the same night ladder gives the same timeline whether the local activity or the recordCase activity recorded it', () => {
    const byActivity = timelineOf('ladder-paced-night-by-activity');
    expect(byActivity.warnings).toEqual([]);
    expect(shape(byActivity)).toEqual(shape(timelineOf('ladder-paced-night')));
  });
});
