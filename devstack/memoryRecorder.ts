// In-memory case activities: they keep what the workflow recorded, per case, so tests,
// the history recorder (scripts/recordHistories.ts) and the memory benchmark can run the
// case workflow without a database.
import type { WorkflowHandle } from '@temporalio/client';
import { recordingLocally } from '../activities/recordCase';
import { defaultCalendar } from '../domain/calendar';
import type { CaseEventRecord, NotificationRecord } from '../domain/types';
import type { CaseActivities, CaseProjection, RecordCaseInput } from '../workflows/activityContract';
import { getCaseStateQuery, type CaseState } from '../workflows/messages';

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
