// How the system's words become Open311's: catalog rows as services, the Case projection as
// service requests, CaseEvent rows as service request updates. Pure functions over rows
// already read, so the mapping table in docs/OPEN311.md is testable line by line.
import type { AppConfig } from '../../config/env';
import { FACT_TYPES, asFact, assertNever, type FactType } from '../../domain/facts';
import { SITE_STEP_LABELS, isSiteStep } from '../../domain/siteSteps';
import type { CaseStatus, Level, Span } from '../../domain/types';
import { buildCasePolicy, type PolicyCategory, type PolicyConfig } from '../../domain/policy';
import type { ServiceAttribute } from '../../features/open311/attributes';

// ---- dates -------------------------------------------------------------------------------

/** A W3C/ISO 8601 date-time with the zone's offset, e.g. 2026-11-22T09:30:00+08:00 (no fractions). */
export function w3cDateTime(at: Date | number, offsetMinutes: number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const W3C_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parse a start_date/end_date argument: a date-time with a zone (Z or ±HH:MM), or a plain date
 * (midnight in the service's zone). A "+" left unencoded in a query string arrives as a space;
 * it is read back as "+". Returns null when the text is neither.
 */
export function parseW3cDateTime(text: string, offsetMinutes: number): Date | null {
  const s = text.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  const d = W3C_DATE.exec(s);
  if (d) {
    const ms = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])) - offsetMinutes * 60_000;
    const back = new Date(ms + offsetMinutes * 60_000);
    return back.getUTCDate() === Number(d[3]) ? new Date(ms) : null;
  }
  if (!W3C_DATETIME.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms);
}

// ---- words ---------------------------------------------------------------------------------

/** Each level in plain words, Chinese / English. */
export const LEVEL_WORDS: Record<Level, { zh: string; en: string }> = {
  GRID: { zh: '网格', en: 'grid' },
  COMMUNITY: { zh: '社区', en: 'community' },
  STREET: { zh: '街道', en: 'street' },
  COMMAND_CENTER: { zh: '区指挥中心', en: 'district command center' },
  DEPUTY_LEADER: { zh: '区分管领导', en: 'deputy district leader' },
  PRINCIPAL_LEADER: { zh: '区主要领导', en: 'principal district leader' },
};

function levelWords(level: string): { zh: string; en: string } {
  return LEVEL_WORDS[level as Level] ?? { zh: level, en: level.toLowerCase() };
}

const both = (zh: string, en: string): string => `${zh} / ${en}`;

/** Case statuses that Open311 calls closed: reviewed and closed, or a final answer (guidance, long-term plan). */
const CLOSED_STATUSES: ReadonlySet<string> = new Set<CaseStatus>(['CLOSED', 'SURVEYED', 'LONG_TERM_PLAN']);

/** open | closed for a case status. */
export function open311Status(status: string): 'open' | 'closed' {
  return CLOSED_STATUSES.has(status) ? 'closed' : 'open';
}

/** The Case statuses behind an Open311 status (for filtering). */
export function caseStatusesFor(status: 'open' | 'closed'): CaseStatus[] {
  const all: CaseStatus[] = ['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW', 'LONG_TERM_PLAN', 'CLOSED', 'SURVEYED'];
  return all.filter((s) => open311Status(s) === status);
}

/** status_notes: the current step and the level holding the case, in plain words. */
export function statusNotes(c: { status: string; level: string; resolution: string | null; overdue: boolean }): string {
  const l = levelWords(c.level);
  let note: string;
  switch (c.status) {
    case 'REPORTED':
      note = both(`已上报，待${l.zh}受理`, `Reported; waiting for the ${l.en} to accept it`);
      break;
    case 'ACCEPTED':
      note = both(`${l.zh}已受理，正在研判处置方式`, `Accepted by the ${l.en}; deciding how to handle it`);
      break;
    case 'IN_PROGRESS':
      note = both(`${l.zh}办理中`, `Being handled by the ${l.en}`);
      break;
    case 'PENDING_REVIEW':
      note = both('已办结，待审核结案', 'Handled; awaiting review and closing');
      break;
    case 'LONG_TERM_PLAN':
      note = both('已纳入中长期规划，定期复查', 'On the medium/long-term plan; reviewed periodically');
      break;
    case 'CLOSED':
    case 'SURVEYED': {
      const closed = c.resolution === 'GUIDANCE'
        ? both('个人事务，已答复并引导办理', 'A private matter: answered with guidance')
        : both('已审核结案', 'Reviewed and closed');
      note = c.status === 'SURVEYED' ? `${closed} (${both('已回访', 'revisit survey done')})` : closed;
      break;
    }
    default:
      note = c.status;
  }
  return c.overdue && open311Status(c.status) === 'open' ? `${note} (${both('已超时', 'overdue')})` : note;
}

function spanMinutes(span: Span): number {
  return (span.minutes ?? 0) + (span.hours ?? 0) * 60 + (span.days ?? 0) * 24 * 60;
}

function durationWords(minutes: number): { zh: string; en: string } {
  if (minutes < 1) {
    const s = Math.round(minutes * 60);
    return { zh: `${s} 秒`, en: `${s} second${s === 1 ? '' : 's'}` };
  }
  if (minutes < 60 || minutes % 60 !== 0) return { zh: `${minutes} 分钟`, en: `${minutes} minute${minutes === 1 ? '' : 's'}` };
  const h = minutes / 60;
  return { zh: `${h} 小时`, en: `${h} hour${h === 1 ? '' : 's'}` };
}

/** service_notice: the category's promise (accept, on site for urgent hazards, completion). */
export function serviceNotice(category: PolicyCategory, cfg: PolicyConfig): string {
  const days = category.completionDays;
  const daysEn = `${days} working day${days === 1 ? '' : 's'}`;
  let policy;
  try {
    policy = buildCasePolicy(category, cfg);
  } catch {
    return both(`处理时限 ${days} 个工作日`, `handled within ${daysEn}`);
  }
  const accept = durationWords(spanMinutes(policy.windows.accept));
  const onSite = policy.windows.onSite ? durationWords(spanMinutes(policy.windows.onSite)) : null;
  return both(
    `受理时限 ${accept.zh}，${onSite ? `${onSite.zh}内到场处置，` : ''}处理时限 ${days} 个工作日`,
    `accepted within ${accept.en}, ${onSite ? `on site within ${onSite.en}, ` : ''}handled within ${daysEn}`,
  );
}

// ---- services ------------------------------------------------------------------------------

/** A catalog row as the services resources read it. */
export interface CategoryRow extends PolicyCategory {
  code: string;
  name: string;
  description: string;
  group: string;
  keywords: string[];
}

/** GET /services: one service (fields in the spec's order). */
export function serviceView(c: CategoryRow, attributes: readonly ServiceAttribute[]) {
  return {
    service_code: c.code,
    service_name: c.name,
    description: c.description,
    metadata: attributes.length > 0,
    type: 'realtime' as const,
    keywords: c.keywords.join(','),
    group: c.group,
  };
}

/** GET /services/{code}: the service definition; `order` is the attribute's position. */
export function serviceDefinitionView(code: string, attributes: readonly ServiceAttribute[]) {
  return {
    service_code: code,
    attributes: attributes.map((a, i) => ({
      variable: a.variable,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: a.datatypeDescription ?? null,
      order: i + 1,
      description: a.description,
      ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
    })),
  };
}

// ---- service requests ----------------------------------------------------------------------

/** The Case projection columns a service request shows. */
export interface CaseRow {
  code: string;
  categoryCode: string;
  triage: string;
  gridId: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  description: string;
  photoUrls: string[];
  status: string;
  level: string;
  assigneeUnitId: string | null;
  dueAt: Date | null;
  overdue: boolean;
  resolution: string | null;
  reportedAt: Date;
  closedAt: Date | null;
  updatedAt: Date;
  clientAppId: string | null;
}

/** What a request view needs besides the row. */
export interface RequestContext {
  /** The client that filed it: every field. Anyone else: the public fields only (see docs/OPEN311.md). */
  full: boolean;
  serviceName: string | null;
  serviceNotice: string | null;
  /** Name of the unit holding the case now. */
  agency: string | null;
  /** Where the filing client reads the photo it uploaded as `media` (GET /media/…), if any. */
  storedMediaUrl?: string | null;
  offsetMinutes: number;
}

/** A service request (GET /requests, GET /requests/{id}), fields in the spec's order. */
export function requestView(c: CaseRow, ctx: RequestContext) {
  const status = open311Status(c.status);
  const updated = status === 'closed' && c.closedAt ? c.closedAt : c.updatedAt;
  const dt = (d: Date | null) => (d ? w3cDateTime(d, ctx.offsetMinutes) : null);
  return {
    service_request_id: c.code,
    status,
    status_notes: statusNotes(c),
    service_name: ctx.serviceName,
    service_code: c.categoryCode,
    description: ctx.full ? c.description : null,
    agency_responsible: ctx.agency,
    service_notice: ctx.serviceNotice,
    requested_datetime: dt(c.reportedAt),
    updated_datetime: dt(updated),
    expected_datetime: status === 'open' ? dt(c.dueAt) : null,
    address: ctx.full ? c.address : null,
    address_id: c.gridId,
    zipcode: null,
    lat: ctx.full ? c.lat : null,
    long: ctx.full ? c.lng : null,
    media_url: ctx.full ? c.photoUrls[0] ?? ctx.storedMediaUrl ?? null : null,
  };
}

// ---- service request updates ---------------------------------------------------------------

/** The CaseEvent columns an update shows. */
export interface EventRow {
  caseCode: string;
  seq: number;
  type: string;
  at: Date;
  unitId: string | null;
  level: string | null;
  data: unknown;
}

export interface UpdateContext {
  /** The client that filed the case: answers written for the reporter are included. */
  full: boolean;
  unitName: (unitId: string | null | undefined) => string;
  offsetMinutes: number;
}

/**
 * How each fact is published as a service request update: INTERNAL is not published
 * (reminders, evidence, breaches…); CLOSING closes the request (a final answer); OPEN leaves
 * it open. A table, so that a new fact type must be placed here.
 */
const PUBLICATION: Record<FactType, 'OPEN' | 'CLOSING' | 'INTERNAL'> = {
  ACCEPTED: 'OPEN',
  RESPONDED: 'OPEN',
  ESCALATED: 'OPEN',
  LEADER_LISTED: 'OPEN',
  DEPARTMENT_CALLED: 'OPEN',
  DEPARTMENT_REPORTED: 'OPEN',
  EXTENSION_APPROVED: 'OPEN',
  REVIEW_REQUESTED: 'OPEN',
  REVIEW_RETURNED: 'OPEN',
  CLOSED: 'CLOSING',
  GUIDANCE_GIVEN: 'CLOSING',
  LONG_TERM_PLANNED: 'CLOSING',
  PLAN_RESUMED: 'OPEN',
  REOPENED: 'OPEN',
  REPORTED: 'INTERNAL',
  REMINDED: 'INTERNAL',
  BREACHED: 'INTERNAL',
  EVIDENCE_UPLOADED: 'INTERNAL',
  DEPARTMENT_RESULT: 'INTERNAL',
  RESULT_SUBMITTED: 'INTERNAL',
  REVIEWED_CLOSED: 'INTERNAL',
  PLAN_REVIEW_DUE: 'INTERNAL',
  EXTENSION_REQUESTED: 'INTERNAL',
  EXTENSION_REJECTED: 'INTERNAL',
  EXTENSION_ESCALATED: 'INTERNAL',
  SURVEY_RECORDED: 'INTERNAL',
  SURVEY_UNREACHABLE: 'INTERNAL',
  // Who holds the case and how the office calendar moved a deadline are the city's business.
  REASSIGNED: 'INTERNAL',
  // The command center's send-down (派单) moves the case inside the district.
  SENT_DOWN: 'INTERNAL',
  // A clock pause is the city's deadline bookkeeping (the reporter is told by the holder, not by the record).
  PAUSE_REQUESTED: 'INTERNAL',
  PAUSE_APPROVED: 'INTERNAL',
  PAUSE_REJECTED: 'INTERNAL',
  PAUSE_ESCALATED: 'INTERNAL',
  PAUSE_ENDED: 'INTERNAL',
  CALENDAR_REPLANNED: 'INTERNAL',
  // The leaders' lists and the command center's supervision are the district's internal work.
  LEADER_ASSIGNED: 'INTERNAL',
  LEADER_TICKED_OFF: 'INTERNAL',
  URGED: 'INTERNAL',
  URGE_REPLIED: 'INTERNAL',
  URGE_NOTICED: 'INTERNAL',
  // Arrival and the hazard steps tell the reporter the work on site is under way.
  SITE_STEP: 'OPEN',
  // The community's deliberation record names residents and cadres: internal (the case page shows it).
  DELIBERATION_STEP: 'INTERNAL',
};

/** Event types published as service request updates (the rest are internal). */
export const UPDATE_EVENT_TYPES: readonly FactType[] = FACT_TYPES.filter((t) => PUBLICATION[t] !== 'INTERNAL');

const CAUSE_WORDS: Record<string, { zh: string; en: string }> = {
  WHISTLE: { zh: '吹哨上报', en: 'Whistled up' },
  BREACH: { zh: '超时未办，自动升级', en: 'A deadline was missed' },
  REOPEN_LIMIT: { zh: '多次重办，升级督办', en: 'Reopened repeatedly' },
};

/** update_id of an event: case code and event sequence. */
export function updateId(caseCode: string, seq: number): string {
  return `${caseCode}-${seq}`;
}

/** A service request update (GET /servicerequestupdates), or null for an event that is not published. */
export function updateView(e: EventRow, ctx: UpdateContext) {
  const fact = asFact(e);
  // A fact type of newer code is not published until this code knows it.
  if (!fact || PUBLICATION[fact.type] === 'INTERNAL') return null;
  // Destructured, so that `data` narrows with `type` in each case.
  const { type, data } = fact;
  const unit = ctx.unitName(e.unitId);
  const when = (v: unknown) => (typeof v === 'number' ? w3cDateTime(v, ctx.offsetMinutes) : '');
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const withText = (base: string, extra: string | null) => (ctx.full && extra ? `${base}: ${extra}` : base);
  let description: string;
  switch (type) {
    case 'ACCEPTED':
      description = both(`${unit}已受理`, `Accepted by ${unit}`);
      break;
    case 'RESPONDED': {
      const due = when(data.completionDueAt);
      const dueZh = due ? `，办结时限 ${due}` : '';
      const dueEn = due ? `; due ${due}` : '';
      if (data.decision === 'COMMUNITY') description = both(`转社区办理${dueZh}`, `Passed to the community to handle${dueEn}`);
      else if (data.decision === 'DEPARTMENTS') description = both(`呼叫职能部门处置${dueZh}`, `Departments are called to handle it${dueEn}`);
      else description = both(`${unit}自行处置${dueZh}`, `${unit} is handling it${dueEn}`);
      break;
    }
    case 'ESCALATED': {
      const cause = CAUSE_WORDS[String(data.cause)] ?? { zh: '升级', en: 'Escalated' };
      const to = levelWords(String(data.to ?? e.level ?? ''));
      description = both(`${cause.zh}，升级至${to.zh}（${unit}）`, `${cause.en}: escalated to the ${to.en} (${unit})`);
      break;
    }
    case 'LEADER_LISTED':
      description = both('列入区级领导包案清单', "Put on the district leaders' case list");
      break;
    case 'DEPARTMENT_CALLED': {
      const by = when(data.reportBy);
      description = both(`呼叫${unit}到场处置${by ? `，报到时限 ${by}` : ''}`, `${unit} was called to the site${by ? `, to report by ${by}` : ''}`);
      break;
    }
    case 'DEPARTMENT_REPORTED':
      description = both(`${unit}已到场报到`, `${unit} reported on site`);
      break;
    case 'SITE_STEP': {
      const label = isSiteStep(data.step) ? SITE_STEP_LABELS[data.step] : { zh: '现场处置', en: 'work on site' };
      description = both(`${unit}：${label.zh}`, `${unit}: ${label.en}`);
      break;
    }
    case 'EXTENSION_APPROVED': {
      const days = typeof data.days === 'number' ? data.days : null;
      const due = when(data.newDueAt);
      description = both(
        `延期${days ?? ''}个工作日已批准${due ? `，新的办结时限 ${due}` : ''}`,
        `Extension${days ? ` of ${days} working day${days === 1 ? '' : 's'}` : ''} approved${due ? `; now due ${due}` : ''}`,
      );
      break;
    }
    case 'REVIEW_REQUESTED':
      description = both('已办结，待审核结案', 'Handled; awaiting review and closing');
      break;
    case 'REVIEW_RETURNED':
      description = both('审核未通过，退回重办', 'Sent back for more work at review');
      break;
    case 'CLOSED':
      // A guidance answer closes the case too; its GUIDANCE_GIVEN update already says so.
      if (data.resolution === 'GUIDANCE') return null;
      description = both('已审核结案', 'Reviewed and closed');
      break;
    case 'GUIDANCE_GIVEN':
      description = withText(both('个人事务，已答复引导', 'A private matter: answered with guidance'), text(data.guidance));
      break;
    case 'LONG_TERM_PLANNED':
      description = withText(both('纳入中长期规划', 'Put on the medium/long-term plan'), text(data.explanation));
      break;
    case 'PLAN_RESUMED':
      description = both('恢复办理', 'Resumed from the long-term plan');
      break;
    case 'REOPENED':
      description = both('回访不满意，重新办理', 'Reopened after the revisit survey');
      break;
    case 'REPORTED':
    case 'REMINDED':
    case 'BREACHED':
    case 'EVIDENCE_UPLOADED':
    case 'DEPARTMENT_RESULT':
    case 'RESULT_SUBMITTED':
    case 'REVIEWED_CLOSED':
    case 'PLAN_REVIEW_DUE':
    case 'EXTENSION_REQUESTED':
    case 'EXTENSION_REJECTED':
    case 'EXTENSION_ESCALATED':
    case 'SURVEY_RECORDED':
    case 'SURVEY_UNREACHABLE':
    case 'REASSIGNED':
    case 'CALENDAR_REPLANNED':
    case 'LEADER_ASSIGNED':
    case 'LEADER_TICKED_OFF':
    case 'URGED':
    case 'URGE_REPLIED':
    case 'URGE_NOTICED':
    case 'SENT_DOWN':
    case 'DELIBERATION_STEP':
    case 'PAUSE_REQUESTED':
    case 'PAUSE_APPROVED':
    case 'PAUSE_REJECTED':
    case 'PAUSE_ESCALATED':
    case 'PAUSE_ENDED':
      return null; // INTERNAL (PUBLICATION above)
    default:
      return assertNever(type, 'fact type');
  }
  return {
    update_id: updateId(e.caseCode, e.seq),
    service_request_id: e.caseCode,
    status: PUBLICATION[type] === 'CLOSING' ? ('closed' as const) : ('open' as const),
    updated_datetime: w3cDateTime(e.at, ctx.offsetMinutes),
    description,
    media_url: '',
  };
}

/** The service notice of a category row under this configuration (a convenience for the router). */
export function noticeFor(category: PolicyCategory | null, cfg: AppConfig): string | null {
  return category ? serviceNotice(category, cfg) : null;
}
