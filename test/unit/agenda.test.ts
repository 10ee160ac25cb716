// The weekly joint meeting's agenda (domain/routines/agenda.ts): why an open case goes to the
// meeting, and the CSV and Markdown it downloads as.
import { agendaCsv, agendaMarkdown, agendaReasons, type AgendaItem } from '../../domain/routines/agenda';

describe('agendaReasons', () => {
  const base = { level: 'STREET', whistled: false, departments: 0, departmentLate: false };
  it('a case at the street with one department and nothing late is not on the agenda', () => {
    expect(agendaReasons({ ...base, departments: 1 })).toEqual([]);
  });
  it('at the deputy or principal leader, whistled, two or more departments, a department late', () => {
    expect(agendaReasons({ ...base, level: 'DEPUTY_LEADER' })).toEqual(['AT_LEADERS']);
    expect(agendaReasons({ ...base, level: 'PRINCIPAL_LEADER', whistled: true })).toEqual(['AT_LEADERS', 'WHISTLED']);
    expect(agendaReasons({ ...base, departments: 2 })).toEqual(['CROSS_DEPARTMENT']);
    expect(agendaReasons({ ...base, departmentLate: true })).toEqual(['DEPARTMENT_LATE']);
  });
  it('the command center is not the leaders (its cases go to the meeting only for another reason)', () => {
    expect(agendaReasons({ ...base, level: 'COMMAND_CENTER' })).toEqual([]);
  });
});

const item: AgendaItem = {
  caseCode: 'GL-20261118-0001',
  category: '占道经营',
  street: '鼓东街道',
  level: 'DEPUTY_LEADER',
  status: 'IN_PROGRESS',
  reportedAt: '2026-11-18T02:00:00.000Z',
  dueAt: null,
  departments: 2,
  reasons: ['AT_LEADERS', 'CROSS_DEPARTMENT'],
};

describe('agendaCsv and agendaMarkdown', () => {
  it('CSV: BOM, header, one row per matter, reasons in Chinese, cells quoted and defused', () => {
    const csv = agendaCsv([item, { ...item, caseCode: 'X', category: '=HYPERLINK("x")', street: 'a,b' }]);
    expect(csv.startsWith('\uFEFFcase_code,category,street,level,status,reported_at,due_at,departments,reasons\r\n')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[1]).toBe('GL-20261118-0001,占道经营,鼓东街道,DEPUTY_LEADER,IN_PROGRESS,2026-11-18T02:00:00.000Z,,2,区领导包案、跨部门未办结');
    expect(lines[2]).toBe(`X,"'=HYPERLINK(""x"")","a,b",DEPUTY_LEADER,IN_PROGRESS,2026-11-18T02:00:00.000Z,,2,区领导包案、跨部门未办结`);
  });
  it('Markdown: a heading with the instant, the count and a table; pipes escaped', () => {
    const md = agendaMarkdown('2026-11-18T09:30:00.000Z', [{ ...item, category: 'a|b' }]);
    expect(md.split('\n').slice(0, 6)).toEqual([
      '# 党政联席会议协调事项 (2026-11-18T09:30:00.000Z)',
      '',
      '共 1 件。',
      '',
      '| 案件代码 | 事项 | 街道 | 层级 | 状态 | 上报时间 | 期限 | 部门数 | 议题原因 |',
      '|---|---|---|---|---|---|---|---|---|',
    ]);
    expect(md).toContain('| GL-20261118-0001 | a\\|b | 鼓东街道 | DEPUTY_LEADER |');
  });
});
