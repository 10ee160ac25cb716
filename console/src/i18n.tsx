// A small dictionary: Chinese first (the console's people work in Chinese), English available.
// The choice is kept in localStorage; antd's own texts follow through its locale.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'zh' | 'en';

const zh = {
  appTitle: '鼓楼区案件督办台',
  signIn: '登录',
  signOut: '退出登录',
  login: '账号',
  password: '密码',
  loginRequired: '请输入账号',
  passwordRequired: '请输入密码',
  badCredentials: '账号或密码错误',
  tooManyAttempts: '尝试次数过多，请稍后再试',
  signInFailed: '登录失败',
  myWork: '我的待办',
  heldByMyUnit: '本单位承办',
  allReadable: '我可查看的全部',
  status: '状态',
  overdueOnly: '仅超期',
  any: '全部',
  code: '案件编号',
  category: '类别',
  level: '当前层级',
  deadline: '最近时限',
  countdown: '剩余时间',
  description: '描述',
  reportedAt: '上报时间',
  noDeadline: '无在途时限',
  overdue: '已超期',
  left: '剩余',
  over: '超时',
  refresh: '刷新',
  shownOf: (n: number, total: number) => `显示 ${n} 件（共 ${total} 件）`,
  caseTitle: (code: string) => `案件 ${code}`,
  record: '案件信息',
  location: '位置',
  address: '地址',
  grid: '网格',
  community: '社区',
  street: '街道',
  channel: '来源渠道',
  ladder: '督办层级',
  windows: '在途时限',
  window: '时限',
  dueAt: '截止',
  remindAt: '提醒',
  timeline: '时间线',
  actions: '可办理操作',
  notAllowed: '不可办理',
  accept: '受理',
  respond: '首次响应',
  note: '备注',
  decision: '处置方式',
  decisionSELF: '自行处置',
  decisionCOMMUNITY: '转社区',
  decisionGUIDANCE: '引导说明',
  guidance: '向群众的说明',
  submit: '提交',
  done: '已提交',
  back: '返回',
  loading: '加载中…',
  notFound: '没有这个案件，或您无权查看',
  stale: '与服务器的连接中断，显示的是上次的数据',
  language: 'English',
  levels: { GRID: '网格', COMMUNITY: '社区', STREET: '街道', COMMAND_CENTER: '区指挥中心', DEPUTY_LEADER: '分管领导', PRINCIPAL_LEADER: '主要领导' } as Record<string, string>,
  statuses: {
    REPORTED: '已上报', ACCEPTED: '已受理', IN_PROGRESS: '处置中', PENDING_REVIEW: '待审核',
    LONG_TERM_PLAN: '长期办理', CLOSED: '已办结', SURVEYED: '已回访',
  } as Record<string, string>,
  actionNames: {
    accept: '受理', respond: '首次响应', whistle: '吹哨', calls: '呼叫部门', report: '部门报到', evidence: '上传证据',
    result: '提交结果', review: '审核', 'long-term-plan': '长期办理计划', resume: '恢复办理', extensions: '申请延期',
    'extension-decision': '延期审批', survey: '回访',
  } as Record<string, string>,
  laterSlice: '表单将在后续版本提供',
  windowKinds: {
    ACCEPT: '受理时限', RESPONSE: '响应时限', ON_SITE: '到场时限', COMPLETION: '办结时限', REPORT: '报告时限',
    REVIEW: '审核时限', EXTENSION_DECISION: '延期审批时限', SURVEY: '回访时限', PLAN_REVIEW: '计划复核时限',
  } as Record<string, string>,
};

type Dict = typeof zh;

const en: Dict = {
  appTitle: 'Gulou case console',
  signIn: 'Sign in',
  signOut: 'Sign out',
  login: 'Login',
  password: 'Password',
  loginRequired: 'Enter your login',
  passwordRequired: 'Enter your password',
  badCredentials: 'Wrong login or password',
  tooManyAttempts: 'Too many attempts; try again later',
  signInFailed: 'Sign-in failed',
  myWork: 'My work',
  heldByMyUnit: 'Held by my unit',
  allReadable: 'All I can read',
  status: 'Status',
  overdueOnly: 'Overdue only',
  any: 'Any',
  code: 'Case',
  category: 'Category',
  level: 'Level',
  deadline: 'Nearest deadline',
  countdown: 'Time left',
  description: 'Description',
  reportedAt: 'Reported',
  noDeadline: 'No open window',
  overdue: 'Overdue',
  left: 'left',
  over: 'over',
  refresh: 'Refresh',
  shownOf: (n, total) => `${n} shown (of ${total})`,
  caseTitle: (code) => `Case ${code}`,
  record: 'Record',
  location: 'Location',
  address: 'Address',
  grid: 'Grid',
  community: 'Community',
  street: 'Street',
  channel: 'Channel',
  ladder: 'Ladder position',
  windows: 'Open windows',
  window: 'Window',
  dueAt: 'Due',
  remindAt: 'Reminder',
  timeline: 'Timeline',
  actions: 'What you can do',
  notAllowed: 'Not allowed',
  accept: 'Accept',
  respond: 'First response',
  note: 'Note',
  decision: 'Decision',
  decisionSELF: 'Handle it myself',
  decisionCOMMUNITY: 'Send to the community',
  decisionGUIDANCE: 'Guide the reporter',
  guidance: 'Explanation for the reporter',
  submit: 'Submit',
  done: 'Done',
  back: 'Back',
  loading: 'Loading…',
  notFound: 'No such case, or you may not read it',
  stale: 'Lost the connection to the server; showing the last data',
  language: '中文',
  levels: { GRID: 'Grid', COMMUNITY: 'Community', STREET: 'Street', COMMAND_CENTER: 'Command center', DEPUTY_LEADER: 'Deputy leader', PRINCIPAL_LEADER: 'Principal leader' },
  statuses: {
    REPORTED: 'Reported', ACCEPTED: 'Accepted', IN_PROGRESS: 'In progress', PENDING_REVIEW: 'Pending review',
    LONG_TERM_PLAN: 'Long-term plan', CLOSED: 'Closed', SURVEYED: 'Surveyed',
  },
  actionNames: {
    accept: 'Accept', respond: 'First response', whistle: 'Whistle (call departments in)', calls: 'Call departments', report: 'Department on site',
    evidence: 'Upload evidence', result: 'Submit the result', review: 'Review', 'long-term-plan': 'Long-term plan', resume: 'Resume',
    extensions: 'Ask for an extension', 'extension-decision': 'Decide an extension', survey: 'Survey',
  },
  laterSlice: 'its form comes in a later version',
  windowKinds: {
    ACCEPT: 'Accept', RESPONSE: 'First response', ON_SITE: 'On site', COMPLETION: 'Completion', REPORT: 'Department report',
    REVIEW: 'Review', EXTENSION_DECISION: 'Extension decision', SURVEY: 'Survey', PLAN_REVIEW: 'Plan review',
  },
};

const DICTS: Record<Lang, Dict> = { zh, en };
const STORAGE_KEY = 'coe.lang';

interface I18n {
  lang: Lang;
  t: Dict;
  setLang(lang: Lang): void;
}

const I18nContext = createContext<I18n>({ lang: 'zh', t: zh, setLang: () => undefined });

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const value = useMemo<I18n>(
    () => ({
      lang,
      t: DICTS[lang],
      setLang: (l) => {
        setLangState(l);
        document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
        try {
          localStorage.setItem(STORAGE_KEY, l);
        } catch {
          /* private mode: the choice lasts for this page only */
        }
      },
    }),
    [lang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = () => useContext(I18nContext);
