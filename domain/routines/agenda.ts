// The weekly joint meeting's agenda (每周党政联席会议) as pure rules: why an open case is a matter
// the meeting must coordinate, and the agenda as CSV or Markdown. The rows come from the
// projection (features/routines/board.ts).
import { csvCell } from '../assessment/rankings';

/** Why an open case is on the agenda. */
export type AgendaReason = 'AT_LEADERS' | 'WHISTLED' | 'CROSS_DEPARTMENT' | 'DEPARTMENT_LATE';
export const AGENDA_REASONS: readonly AgendaReason[] = ['AT_LEADERS', 'WHISTLED', 'CROSS_DEPARTMENT', 'DEPARTMENT_LATE'];

export const AGENDA_REASON_TEXT: Record<AgendaReason, string> = {
  AT_LEADERS: '区领导包案',
  WHISTLED: '吹哨上报',
  CROSS_DEPARTMENT: '跨部门未办结',
  DEPARTMENT_LATE: '部门报到超时',
};

/** What the agenda needs of an open case. */
export interface AgendaFacts {
  level: string;
  whistled: boolean;
  /** Distinct departments called on the case. */
  departments: number;
  departmentLate: boolean;
}

/**
 * The reasons an open case goes to the meeting, or [] when it does not: it sits with the
 * district leaders, it was whistled up, it needs two or more departments, or a called
 * department missed its report time. ([004] "每周召开党政联席会议…集中协调督办一线处置中遇到急、难、愁、大事项".)
 */
export function agendaReasons(c: AgendaFacts): AgendaReason[] {
  const out: AgendaReason[] = [];
  if (c.level === 'DEPUTY_LEADER' || c.level === 'PRINCIPAL_LEADER') out.push('AT_LEADERS');
  if (c.whistled) out.push('WHISTLED');
  if (c.departments >= 2) out.push('CROSS_DEPARTMENT');
  if (c.departmentLate) out.push('DEPARTMENT_LATE');
  return out;
}

export interface AgendaItem {
  caseCode: string;
  category: string;
  street: string;
  level: string;
  status: string;
  reportedAt: string;
  dueAt: string | null;
  departments: number;
  reasons: AgendaReason[];
}

const COLUMNS: Array<[string, (i: AgendaItem) => string | number]> = [
  ['case_code', (i) => i.caseCode],
  ['category', (i) => i.category],
  ['street', (i) => i.street],
  ['level', (i) => i.level],
  ['status', (i) => i.status],
  ['reported_at', (i) => i.reportedAt],
  ['due_at', (i) => i.dueAt ?? ''],
  ['departments', (i) => i.departments],
  ['reasons', (i) => i.reasons.map((r) => AGENDA_REASON_TEXT[r]).join('、')],
];

/** The agenda as CSV (UTF-8 with a BOM so spreadsheet programs read the Chinese). */
export function agendaCsv(items: readonly AgendaItem[]): string {
  const lines = items.map((i) => COLUMNS.map(([, get]) => csvCell(get(i))).join(','));
  return `\uFEFF${[COLUMNS.map(([n]) => n).join(','), ...lines].join('\r\n')}\r\n`;
}

/** A Markdown table cell: pipes and line breaks would break the row. */
const mdCell = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

/** The agenda as Markdown: a heading with the instant, then one table row per matter. */
export function agendaMarkdown(asOf: string, items: readonly AgendaItem[]): string {
  const head = ['案件代码', '事项', '街道', '层级', '状态', '上报时间', '期限', '部门数', '议题原因'];
  const rows = items.map((i) => `| ${COLUMNS.map(([, get]) => mdCell(get(i))).join(' | ')} |`);
  return [
    `# 党政联席会议协调事项 (${asOf})`,
    '',
    `共 ${items.length} 件。`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows,
    '',
  ].join('\n');
}
