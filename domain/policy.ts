// A case's rules, resolved once at intake from the matter catalog and the configuration,
// then frozen in the workflow input. Pure functions over plain objects (no Prisma):
// the API calls them with a catalog row, the seed calls them to validate the catalog.
import { z } from 'zod';
import type { AppConfig } from '../config/env';
import { DomainError } from './errors';
import { extensionApproverLevel } from './extensions';
import { defaultLeaderList } from './leaderList';
import { defaultPacing } from './pacing';
import { defaultPause } from './pause';
import { defaultSite } from './siteSteps';
import { defaultDeliberation } from './deliberation';
import { defaultSupervision } from './supervision';
import { defaultTriage, isTriageKind } from './triage';
import { LEVELS } from './types';
import type { CasePolicy, ExtensionRule, Level, TriageKind } from './types';

export { extensionApproverLevel };

/**
 * A catalog row or configuration that cannot produce a policy: our data, not the client's
 * request (Internal, POLICY_INVALID). `setting` names what is wrong as structured data, so a
 * caller that checks an edit (features/admin/catalog) reports the field without reading the text.
 */
export class PolicyError extends DomainError {
  override name = 'PolicyError';
  constructor(
    /** The category column ("windowOverrides", "windowOverrides.onSiteHours", "completionDays") or setting ("LADDER", "EXTENSION_THRESHOLDS"). */
    readonly setting: string,
    message: string,
  ) {
    super('Internal', 'POLICY_INVALID', message);
  }
}

/**
 * Per-category window overrides (MatterCategory.windowOverrides). Unknown keys are rejected
 * so a typo never silently falls back to a default. Completion has no key here: the
 * category's `completionDays` column is the override.
 */
export const windowOverridesSchema = z.strictObject({
  acceptMinutes: z.number().positive().optional(),
  responseWorkingHours: z.number().positive().optional(),
  /** Urgent categories only. */
  onSiteHours: z.number().positive().optional(),
  reviewWorkingDays: z.number().positive().optional(),
  reportWorkingHours: z.number().positive().optional(),
  extensionDecisionWorkingHours: z.number().positive().optional(),
  surveyWorkingDays: z.number().positive().optional(),
  planReviewDays: z.number().positive().optional(),
  remindAt: z.number().min(0).max(0.99).optional(),
});

export type WindowOverrides = z.infer<typeof windowOverridesSchema>;

/** The catalog fields a policy depends on (a MatterCategory row fits). */
export interface PolicyCategory {
  completionDays: number;
  urgent: boolean;
  /** JSON from the catalog: null/undefined mean no overrides. */
  windowOverrides: unknown;
}

/** The configuration a policy depends on (an AppConfig fits). */
export type PolicyConfig = Pick<
  AppConfig,
  | 'ACCEPT_MINUTES'
  | 'RESPONSE_WORKING_HOURS'
  | 'ON_SITE_HOURS'
  | 'REVIEW_WORKING_DAYS'
  | 'REPORT_WORKING_HOURS'
  | 'EXTENSION_DECISION_WORKING_HOURS'
  | 'SURVEY_WORKING_DAYS'
  | 'PLAN_REVIEW_DAYS'
  | 'REMIND_AT_FRACTION'
  | 'LADDER'
  | 'EXTENSION_THRESHOLDS'
  | 'MAX_EXTENSIONS'
  | 'MAX_REOPENS'
  | 'SURVEY_UNREACHABLE_POLICY'
  | 'HISTORY_EVENT_LIMIT'
> & Partial<Pick<AppConfig, 'TRIAGE_ROUTES'>>;

/** Validate a category's windowOverrides JSON; throws PolicyError listing every problem. */
export function parseWindowOverrides(json: unknown): WindowOverrides {
  if (json === null || json === undefined) return {};
  const parsed = windowOverridesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    throw new PolicyError('windowOverrides', `Invalid windowOverrides ${JSON.stringify(json)}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

function isLevel(s: string): s is Level {
  return (LEVELS as readonly string[]).includes(s);
}

/** Validate the escalation ladder (lowest first): known levels, no duplicates, not empty. */
export function parseLadder(ladder: readonly string[]): Level[] {
  if (ladder.length === 0) throw new PolicyError('LADDER', 'LADDER is empty: name at least one level');
  const seen = new Set<string>();
  for (const l of ladder) {
    if (!isLevel(l)) throw new PolicyError('LADDER', `LADDER: unknown level "${l}" (expected one of ${LEVELS.join(', ')})`);
    if (seen.has(l)) throw new PolicyError('LADDER', `LADDER: level "${l}" appears more than once`);
    seen.add(l);
  }
  return [...ladder] as Level[];
}

/**
 * Parse EXTENSION_THRESHOLDS, e.g. "3:COMMAND_CENTER,10:DEPUTY_LEADER,*:PRINCIPAL_LEADER":
 * up to 3 working days → command center, up to 10 → deputy leader, longer → principal leader.
 * Limits must be positive and strictly ascending, and the list must end with "*".
 */
export function parseExtensionThresholds(spec: string): ExtensionRule[] {
  const parts = spec.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new PolicyError('EXTENSION_THRESHOLDS', 'EXTENSION_THRESHOLDS is empty');
  const rules: ExtensionRule[] = [];
  let previous = 0;
  parts.forEach((part, i) => {
    const m = /^(\*|\d+(?:\.\d+)?)\s*:\s*([A-Z_]+)$/.exec(part);
    if (!m) throw new PolicyError('EXTENSION_THRESHOLDS', `EXTENSION_THRESHOLDS: "${part}" is not "<days>:<LEVEL>" or "*:<LEVEL>"`);
    const [, limit, approver] = m;
    if (!isLevel(approver)) throw new PolicyError('EXTENSION_THRESHOLDS', `EXTENSION_THRESHOLDS: unknown level "${approver}" in "${part}"`);
    const last = i === parts.length - 1;
    if (limit === '*') {
      if (!last) throw new PolicyError('EXTENSION_THRESHOLDS', `EXTENSION_THRESHOLDS: "*" must be the last entry, found "${part}" before others`);
      rules.push({ maxDays: null, approver });
      return;
    }
    const maxDays = Number(limit);
    if (!(maxDays > 0)) throw new PolicyError('EXTENSION_THRESHOLDS', `EXTENSION_THRESHOLDS: limit must be positive in "${part}"`);
    if (maxDays <= previous) {
      throw new PolicyError('EXTENSION_THRESHOLDS', `EXTENSION_THRESHOLDS: limits must be strictly ascending ("${part}" after ${previous} days)`);
    }
    previous = maxDays;
    rules.push({ maxDays, approver });
  });
  if (rules[rules.length - 1].maxDays !== null) {
    throw new PolicyError('EXTENSION_THRESHOLDS', 'EXTENSION_THRESHOLDS: the last entry must be "*:<LEVEL>" (the approver for longer extensions)');
  }
  return rules;
}

/** Validate TRIAGE_ROUTES: known kinds (BIG, SMALL, PRIVATE), each once; empty routes none. */
export function parseTriageRoutes(kinds: readonly string[]): TriageKind[] {
  const seen = new Set<string>();
  for (const k of kinds) {
    if (!isTriageKind(k)) throw new PolicyError('TRIAGE_ROUTES', `TRIAGE_ROUTES: unknown kind "${k}" (expected BIG, SMALL or PRIVATE)`);
    if (seen.has(k)) throw new PolicyError('TRIAGE_ROUTES', `TRIAGE_ROUTES: kind "${k}" appears more than once`);
    seen.add(k);
  }
  return [...kinds] as TriageKind[];
}

/**
 * The policy a new case of `category` runs under: default windows from configuration,
 * narrowed by the category's overrides. Throws PolicyError on a bad catalog row or config.
 */
export function buildCasePolicy(category: PolicyCategory, cfg: PolicyConfig): CasePolicy {
  const o = parseWindowOverrides(category.windowOverrides);
  if (!Number.isFinite(category.completionDays) || category.completionDays <= 0) {
    throw new PolicyError('completionDays', `completionDays must be a positive number of working days, got ${category.completionDays}`);
  }
  if (o.onSiteHours !== undefined && !category.urgent) {
    throw new PolicyError('windowOverrides.onSiteHours', 'windowOverrides.onSiteHours is set on a category that is not urgent (on-site windows apply to urgent hazards only)');
  }
  return {
    windows: {
      accept: { clock: 'WALL', minutes: o.acceptMinutes ?? cfg.ACCEPT_MINUTES },
      response: { clock: 'WORKING', hours: o.responseWorkingHours ?? cfg.RESPONSE_WORKING_HOURS },
      completion: { clock: 'WORKING', days: category.completionDays },
      ...(category.urgent ? { onSite: { clock: 'WALL' as const, hours: o.onSiteHours ?? cfg.ON_SITE_HOURS } } : {}),
      review: { clock: 'WORKING', days: o.reviewWorkingDays ?? cfg.REVIEW_WORKING_DAYS },
      report: { clock: 'WORKING', hours: o.reportWorkingHours ?? cfg.REPORT_WORKING_HOURS },
      extensionDecision: { clock: 'WORKING', hours: o.extensionDecisionWorkingHours ?? cfg.EXTENSION_DECISION_WORKING_HOURS },
      survey: { clock: 'WORKING', days: o.surveyWorkingDays ?? cfg.SURVEY_WORKING_DAYS },
      planReview: { clock: 'WALL', days: o.planReviewDays ?? cfg.PLAN_REVIEW_DAYS },
      remindAt: o.remindAt ?? cfg.REMIND_AT_FRACTION,
    },
    ladder: parseLadder(cfg.LADDER),
    extensionRules: parseExtensionThresholds(cfg.EXTENSION_THRESHOLDS),
    maxExtensions: cfg.MAX_EXTENSIONS,
    maxReopens: cfg.MAX_REOPENS,
    unreachablePolicy: cfg.SURVEY_UNREACHABLE_POLICY,
    historyEventLimit: cfg.HISTORY_EVENT_LIMIT,
    pacing: defaultPacing(),
    leaderList: defaultLeaderList(),
    supervision: defaultSupervision(),
    responseFromReceipt: true,
    site: defaultSite(),
    triage: defaultTriage(parseTriageRoutes(cfg.TRIAGE_ROUTES ?? ['SMALL', 'PRIVATE'])),
    deliberation: defaultDeliberation(),
    pause: defaultPause(),
  };
}
