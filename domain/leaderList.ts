// The district leaders' case lists (包案责任清单, 对单销号) [000]: every case that reaches a
// leader level has one named responsible leader; the leader ticks it off with a closing note
// once it is resolved for good. Data (LeaderListPolicy, frozen in the case's policy at intake)
// and pure rules; the machine (workflows/caseMachine) applies them. Sandbox-safe.
import type { Caller } from './access';
import type { CaseStatus, Level, OpenWindow, Role } from './types';

export interface LeaderListPolicy {
  /** Levels whose holder becomes the case's responsible leader when the case reaches them. */
  levels: Level[];
  /**
   * The item follows the post (包案 is the post's duty): when the directory names another person
   * at the item's level, the item moves to the successor's list until it is ticked off. Absent on
   * cases started before it: their item stays with the person named then.
   */
  followsPost?: boolean;
}

/** Default: the deputy and the principal district leader (区分管领导, 区政府主要领导) [004]; the item follows the post. */
export const DEFAULT_LEADER_LIST: LeaderListPolicy = { levels: ['DEPUTY_LEADER', 'PRINCIPAL_LEADER'], followsPost: true };

/** A fresh copy of the defaults (a policy owns its data). */
export function defaultLeaderList(): LeaderListPolicy {
  return { levels: [...DEFAULT_LEADER_LIST.levels], followsPost: DEFAULT_LEADER_LIST.followsPost };
}

/** A case's item on its responsible leader's list (CaseState.leader). */
export interface LeaderItem {
  /** The responsible leader (the directory's person at `level`); null when the post is vacant. */
  personId: string | null;
  name: string | null;
  level: Level;
  since: number;
  tickedOffAt: number | null;
  note: string | null;
}

/**
 * Whether the case, now at `level` (and on the leaders' list or not), needs a responsible
 * leader from `level`: it reached a leader level, or landed on the list at the top of a ladder.
 */
export function needsLeaderAt(level: Level, onLeaderList: boolean, policy: LeaderListPolicy): boolean {
  return policy.levels.includes(level) || onLeaderList;
}

/**
 * Why the case cannot be ticked off yet, or null when it can: it must be closed and its
 * revisit survey in (or none due), so that no reopening can follow the tick (对单销号 is final).
 */
export function tickOffBlocker(status: CaseStatus, windows: readonly Pick<OpenWindow, 'kind'>[]): string | null {
  if (status === 'SURVEYED') return null;
  if (status === 'CLOSED') return windows.some((w) => w.kind === 'SURVEY') ? 'its revisit survey (回访) is not in yet' : null;
  return `it is not resolved yet (${status})`;
}

/** Roles that may read any leader's list of their district (besides the leader himself). */
export const LEADER_LIST_READERS: readonly Role[] = ['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR'];

/** The role rule alone (before the person is looked up): the leader himself, or a reader role. */
export function mayReadLeaderLists(caller: Caller, personId: string): boolean {
  return caller.personId === personId || LEADER_LIST_READERS.includes(caller.role);
}

/**
 * Who may read a leader's list (GET /leaders/{personId}/cases): the leader; the command center,
 * the district leaders and the auditors of the leader's district. Another role is refused (403,
 * whoever the person is); another district's reader does not see the person at all (404).
 * `leader` is null when no such person exists.
 */
export function leaderListAccess(caller: Caller, personId: string, leader: { unitId: string } | null): 'ALLOW' | 'FORBIDDEN' | 'NOT_FOUND' {
  const self = caller.personId === personId;
  if (!mayReadLeaderLists(caller, personId)) return 'FORBIDDEN';
  if (!leader) return 'NOT_FOUND';
  if (self || leader.unitId === caller.unitId) return 'ALLOW';
  return 'NOT_FOUND';
}
