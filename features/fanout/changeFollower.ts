// Hands each administrative change (the AdminChange log, features/admin) over to its fan-out
// (startFanOutForChange), after its transaction has committed. The worker runs this in a loop
// (worker/changeFollower.ts) rather than the API after each request, so a change whose API
// process died right after the commit still reaches the running cases: every round looks at the
// newest rows again, and a fan-out's workflow id is derived from the change id, so handing a
// change over twice starts nothing new.
import type { Db } from '../../platform/db';
import { startFanOutForChange, type AdminChangeRef, type FanOutStarted } from './fanOut';

/** How many of the newest changes each round looks at (changes are rare; a burst fits). */
export const FOLLOW_WINDOW = 200;

export interface ChangeFollowerDeps {
  db: Pick<Db, 'adminChange'>;
  /** Starts the change's fan-out (startFanOutForChange bound to a Temporal client). */
  start: (change: AdminChangeRef) => Promise<FanOutStarted | null>;
}

export interface FollowRound {
  /** Changes handed over for the first time in this process. */
  handed: number;
  /** Of those, fan-outs started now (the rest were started before, or reach no case). */
  started: number;
}

/** One round: hands over every change among the newest FOLLOW_WINDOW not yet handed over by this process. */
export async function followChanges(deps: ChangeFollowerDeps, handled: Set<string>): Promise<FollowRound> {
  const rows = await deps.db.adminChange.findMany({
    orderBy: { id: 'desc' },
    take: FOLLOW_WINDOW,
    select: { id: true, entityKind: true, entityId: true, action: true, unitIds: true, personIds: true },
  });
  let handed = 0;
  let started = 0;
  // Oldest first, so cases see the changes in the order they were made.
  for (const row of rows.reverse()) {
    const id = String(row.id);
    if (handled.has(id)) continue;
    const r = await deps.start(row);
    handled.add(id);
    handed++;
    if (r?.started) started++;
  }
  return { handed, started };
}

/** startFanOutForChange for one deployment (its task queue and case-code prefix). */
export const fanOutStarter =
  (temporal: Parameters<typeof startFanOutForChange>[0], o: { taskQueue: string; codePrefix?: string }) =>
  (change: AdminChangeRef) =>
    startFanOutForChange(temporal, o, change);
