// A reporter's name, phone and e-mail: who sees them in full, who sees them masked, who may
// reveal them, and what anonymisation leaves. Pure rules; the API applies them where it
// builds case views (api/caseViews.ts), the retention run where it anonymises.
//
// Minimum necessary (PIPL art. 6): the unit that holds the case must be able to call the
// resident back, and the command center calls every resident for the revisit survey. Nobody
// else needs more than enough to recognise the report (张*, 138****0000): departments act on
// the place, leaders and assessors on figures, auditors on the process.
import type { AccessDecision, Caller } from './access';
import { levelOfRole, unitForLevel } from './ladder';
import type { CaseUnits, Level, Role } from './types';

/** How a caller sees a case's reporter. */
export type ReporterView = 'FULL' | 'MASKED';

/** What the rule needs to know about one case (all on the Case projection). */
export interface ReporterCase {
  units: CaseUnits;
  /** The level holding the case now. */
  level: Level | string;
  status: string;
}

/** The reporter's fields as the projection keeps them. */
export interface ReporterFields {
  reporterName: string | null;
  reporterPhone: string | null;
  reporterEmail: string | null;
}

export const REPORTER_FIELDS = ['name', 'phone', 'email'] as const;
export type ReporterField = (typeof REPORTER_FIELDS)[number];

/**
 * Roles that may ever see a reporter in full: the ladder's working levels, for their own
 * unit's cases. Leaders are on the ladder too, but they decide escalated cases and
 * extensions from the record; calling the resident is the command center's job.
 */
const MAY_SEE_FULL: ReadonlySet<Role> = new Set(['GRID_WORKER', 'COMMUNITY_WORKER', 'STREET_DISPATCHER', 'COMMAND_CENTER']);

/** Statuses in which the command center runs the revisit (a closed case waits for its survey). */
const REVISIT_STATUSES: ReadonlySet<string> = new Set(['CLOSED']);

/** The case is one of the caller's own unit's (the unit its role answers for at the case's place). */
function ownUnit(caller: Caller, c: ReporterCase): boolean {
  const level = levelOfRole(caller.role);
  return !!level && unitForLevel(level, c.units) === caller.unitId;
}

/**
 * FULL for the unit holding the case now (its grid, community or street, or the command
 * center once escalated to it) and for the command center while the revisit runs; MASKED for
 * everyone else, including those units when the case is not (or no longer) theirs to handle.
 */
export function reporterViewFor(caller: Caller, c: ReporterCase): ReporterView {
  if (!MAY_SEE_FULL.has(caller.role) || !ownUnit(caller, c)) return 'MASKED';
  if (c.level === levelOfRole(caller.role)) return 'FULL';
  if (caller.role === 'COMMAND_CENTER' && REVISIT_STATUSES.has(c.status)) return 'FULL';
  return 'MASKED';
}

/**
 * Whether the caller may reveal a masked reporter (an explicit, logged request): the roles
 * that may see reporters in full, on their own unit's cases, whether or not they hold it now.
 * Checked by role first, so a refusal for a role reveals nothing about the case.
 */
export function mayRevealRole(role: Role): AccessDecision {
  return MAY_SEE_FULL.has(role)
    ? { allowed: true }
    : { allowed: false, reason: `${role} may not reveal a reporter's personal data (minimum necessary: only the grid, community, street and command center handling a case call the resident)` };
}

export function mayReveal(caller: Caller, c: ReporterCase): AccessDecision {
  const byRole = mayRevealRole(caller.role);
  if (!byRole.allowed) return byRole;
  return ownUnit(caller, c) ? byRole : { allowed: false, reason: 'the case is outside your unit' };
}

/** 13800000000 → 138****0000: the first 3 and last 4 digits; shorter numbers keep only the last 2. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 8) return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
  if (digits.length > 2) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return '*'.repeat(Math.max(digits.length, 1));
}

/** 张三 → 张*, 欧阳娜娜 → 欧***, John Smith → J*********: the first character, the rest starred. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
}

/** wang@example.cn → w***@example.cn. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return maskName(email);
  return `${Array.from(email)[0]}***${email.slice(at)}`;
}

/** The fields as a caller with this view sees them. */
export function reporterFieldsFor<T extends ReporterFields>(view: ReporterView, row: T): T {
  if (view === 'FULL') return row;
  return {
    ...row,
    reporterName: row.reporterName === null ? null : maskName(row.reporterName),
    reporterPhone: row.reporterPhone === null ? null : maskPhone(row.reporterPhone),
    reporterEmail: row.reporterEmail === null ? null : maskEmail(row.reporterEmail),
  };
}

// ---- retention ---------------------------------------------------------------------------

/** What anonymised fields hold: recognisably erased, never a plausible value. */
export const ANONYMISED = '(anonymised)';

/** The projection's reporter fields after anonymisation (kept present-or-absent, so figures on "had a phone" hold). */
export function anonymisedFields(row: ReporterFields): ReporterFields {
  return {
    reporterName: row.reporterName === null ? null : ANONYMISED,
    reporterPhone: row.reporterPhone === null ? null : ANONYMISED,
    reporterEmail: row.reporterEmail === null ? null : ANONYMISED,
  };
}

/** The instant before which a case closed is due for anonymisation. */
export function anonymiseClosedBefore(now: number, retentionDays: number): number {
  return now - retentionDays * 86_400_000;
}

/**
 * A workflow payload (decoded JSON) with every reporter object ({ name?, phone?, email? }
 * under a `reporter` key) and every reporterName / reporterPhone / reporterEmail replaced by
 * `replace`. Structure is kept, so a replay of an anonymised history issues the same commands.
 * Returns the same value when nothing personal was found (callers can skip re-encoding).
 */
export function rewriteReporterData(value: unknown, replace: (field: ReporterField, v: string) => string): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = rewriteReporterData(v, replace);
      if (r !== v) changed = true;
      return r;
    });
    return changed ? out : value;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    let r = v;
    if (k === 'reporter' && v && typeof v === 'object' && !Array.isArray(v)) {
      const rep: Record<string, unknown> = { ...(v as Record<string, unknown>) };
      for (const f of REPORTER_FIELDS) if (typeof rep[f] === 'string') rep[f] = replace(f, rep[f] as string);
      r = rep;
      changed = true;
    } else if (typeof v === 'string' && (k === 'reporterName' || k === 'reporterPhone' || k === 'reporterEmail')) {
      r = replace(k === 'reporterName' ? 'name' : k === 'reporterPhone' ? 'phone' : 'email', v);
      changed = true;
    } else {
      r = rewriteReporterData(v, replace);
      if (r !== v) changed = true;
    }
    out[k] = r;
  }
  return changed ? out : value;
}

/** The masking of each field, for rewriteReporterData. */
export function maskField(field: ReporterField, v: string): string {
  return field === 'name' ? maskName(v) : field === 'phone' ? maskPhone(v) : maskEmail(v);
}
