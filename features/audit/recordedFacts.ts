// Where a case's history holds the facts it recorded, in either of the two forms a case
// workflow has used (workflows/messages CaseOptions.recordLocally):
//  - the `recordCase` activity: the facts are the input of ActivityTaskScheduled, and are in
//    the database once the matching ActivityTaskCompleted follows;
//  - the `recordCaseLocally` local activity: its input is not in the history, so it echoes
//    the input in its result, which the SDK stores in a MarkerRecorded event written only
//    when the write succeeded.
// Shared by the audit timeline and the strict replay, which must read both forms alike.
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { RecordCaseInput, RecordedLocally } from '../../workflows/activityContract';
import type { RecordedWindow } from '../../workflows/caseMachine';
import { asFact, type CaseFact } from '../../domain/facts';
import type { CaseEventRecord } from '../../domain/types';
import type { History } from '../../platform/historyJson';

type HistoryEvent = NonNullable<History['events']>[number];

/** Marker name the TypeScript SDK (sdk-core) gives a local activity's result. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** The activity types that record a case's facts. */
export const RECORD_ACTIVITY = 'recordCase';
export const RECORD_LOCAL_ACTIVITY = 'recordCaseLocally';

function fromPayload<T>(p: Payload | null | undefined): T | undefined {
  if (!p) return undefined;
  try {
    return defaultPayloadConverter.fromPayload<T>(p);
  } catch {
    return undefined;
  }
}

/** A completed local activity in a marker: its type and its (decoded) result; null for anything else. */
export function localActivityOf(e: HistoryEvent): { activityType: string; result: unknown } | null {
  const m = e.markerRecordedEventAttributes;
  if (!m || m.markerName !== LOCAL_ACTIVITY_MARKER) return null;
  const data = fromPayload<{ activity_type?: string }>(m.details?.data?.payloads?.[0] as Payload | undefined);
  const result = m.details?.result?.payloads?.[0] as Payload | undefined;
  // A marker without a result records a failed attempt (its retry gets a marker of its own).
  if (!data?.activity_type || !result) return null;
  return { activityType: data.activity_type, result: fromPayload<unknown>(result) };
}

/** One batch of recorded facts found in a history event. */
export interface RecordedBatch {
  input: RecordCaseInput;
  /** Already known to be in the database (a local activity's marker); else wait for the activity's completion. */
  stored: boolean;
}

/** The facts an event carries, in either form; null when it carries none. */
export function recordedBatchOf(e: HistoryEvent): RecordedBatch | null {
  const a = e.activityTaskScheduledEventAttributes;
  if (a) {
    if (a.activityType?.name !== RECORD_ACTIVITY) return null;
    const input = fromPayload<RecordCaseInput>(a.input?.payloads?.[0] as Payload | undefined);
    return input ? { input, stored: false } : null;
  }
  const la = localActivityOf(e);
  if (la?.activityType !== RECORD_LOCAL_ACTIVITY) return null;
  const recorded = (la.result as RecordedLocally | undefined)?.recorded;
  return recorded ? { input: recorded, stored: true } : null;
}

/** One recorded fact as the history holds it (`event`, compared byte for byte) and typed (`fact`). */
export interface ReadFact {
  event: CaseEventRecord;
  /** Null for a fact type this code does not know (recorded by newer code): show it raw. */
  fact: CaseFact | null;
  /** The windows in force after the step this fact ends (CaseOptions.recordWindows); null otherwise. */
  windowsAfter: RecordedWindow[] | null;
}

/** The facts of a batch, each read through the one boundary that types them. */
export function factsOf(batch: RecordedBatch): ReadFact[] {
  return (batch.input.facts ?? []).map((f) => ({ event: f.event, fact: asFact(f.event), windowsAfter: Array.isArray(f.windowsAfter) ? f.windowsAfter : null }));
}
