// The role rule of each case action, declared once and keyed by the action's name (the
// path segment after /cases/:code/). domain/access.mayAttempt applies them; the action
// table in workflows/caseActions references them next to each action's update and guard.
import { atOrAbove } from './ladder';
import type { Level, Role } from './types';

/** Every human action on a case, as the API names it (the path after /cases/:code/). */
export type CaseAction =
  | 'accept'
  | 'respond'
  | 'whistle'
  | 'calls'
  | 'report'
  | 'evidence'
  | 'result'
  | 'review'
  | 'long-term-plan'
  | 'resume'
  | 'extensions'
  | 'extension-decision'
  | 'survey'
  | 'tick-off'
  | 'urge'
  | 'urge-reply'
  | 'on-site'
  | 'send-down'
  | 'deliberate'
  | 'pause'
  | 'pause-decision'
  | 'pause-end';

export const CASE_ACTIONS: readonly CaseAction[] = [
  'accept', 'respond', 'whistle', 'calls', 'report', 'evidence', 'result', 'review',
  'long-term-plan', 'resume', 'extensions', 'extension-decision', 'survey',
  'tick-off', 'urge', 'urge-reply', 'on-site', 'send-down', 'deliberate', 'pause', 'pause-decision', 'pause-end',
];

/** Which roles may ever attempt one action, before any case is looked at. */
export interface ActionRule {
  /** What the action is, as a refusal says it: "<ROLE> may not <what>". */
  what: string;
  /** The holder of the case does it (any ladder role; the workflow checks it holds the case now). */
  holder?: boolean;
  /** A department officer does it about one of its calls (with a callId). */
  call?: boolean;
  /** Only the called department does it: never a ladder role. */
  departmentOnly?: boolean;
  /** For non-holder actions: which ladder levels/roles may. */
  ladder?: (level: Level, role: Role) => boolean;
}

export const ACTION_RULES: Record<CaseAction, ActionRule> = {
  accept: { what: 'accept cases', holder: true },
  respond: { what: 'respond to cases', holder: true },
  whistle: { what: 'whistle cases up', holder: true },
  // Communities call too on cases with CasePolicy.triage (街镇、社区呼叫); the workflow refuses them on older cases.
  calls: { what: 'call departments (a community, a street or a higher level calls; whistle the case up first)', ladder: (level) => atOrAbove(level, 'COMMUNITY') },
  report: { what: 'report on site for a department call (the called department does)', call: true, departmentOnly: true },
  evidence: { what: 'upload evidence', holder: true, call: true },
  result: { what: 'submit results', holder: true, call: true },
  review: { what: 'review and close cases (the street sub-center or the level holding the case does)', ladder: (level) => atOrAbove(level, 'STREET') },
  'long-term-plan': { what: 'put cases on the long-term plan', holder: true },
  resume: { what: 'resume cases from the long-term plan', holder: true },
  extensions: { what: 'request extensions', holder: true },
  'extension-decision': { what: 'decide extension requests (the district command center or a district leader does)', ladder: (level) => atOrAbove(level, 'COMMAND_CENTER') },
  survey: { what: 'record revisit surveys (the district command center does)', ladder: (_level, role) => role === 'COMMAND_CENTER' },
  'tick-off': { what: "tick cases off a leader's list (对单销号; the responsible district leader does)", ladder: (level) => level === 'DEPUTY_LEADER' || level === 'PRINCIPAL_LEADER' },
  urge: { what: 'urge units on cases (催办; the district command center does)', ladder: (_level, role) => role === 'COMMAND_CENTER' },
  // The urged unit answers: a ladder unit (the workflow checks it is the one urged) or a department about its call.
  'urge-reply': { what: 'reply to urges (the urged unit does)', holder: true, call: true },
  // The holder arrives and works the hazard path; a called department records its steps on its call.
  'on-site': { what: 'record arrival and hazard steps on site (到场, 现场勘查, 方案确定, 人材机进场, 消险)', holder: true, call: true },
  // The command center sends a case it holds down to a unit of the case's place (派单); the workflow checks it holds it.
  'send-down': { what: 'send cases down to a street, community or grid (派单; the district command center does)', ladder: (_level, role) => role === 'COMMAND_CENTER' },
  // The community of the case's place (or its street) records the five steps of a community matter.
  deliberate: { what: 'record the five-step deliberation (五步议事: 说、问、议、办、评; the community or its street does)', ladder: (level) => level === 'COMMUNITY' || level === 'STREET' },
  // Clock pause (domain/pause): the holder asks and resumes; the level above it decides (a street or higher).
  pause: { what: "pause a window's clock (暂停计时)", holder: true },
  'pause-decision': { what: 'decide clock pauses (the level above the holder does)', ladder: (level) => atOrAbove(level, 'STREET') },
  'pause-end': { what: "resume a paused window's clock (恢复计时)", holder: true },
};
