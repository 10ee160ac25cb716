// China's official public holidays and make-up working days (调休) for 2025 and 2026.
// Pure data, no imports: safe inside the Temporal workflow sandbox.
//
// Sources:
// - 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12), the first
//   year under the revised 全国年节及纪念日放假办法 (New Year's Eve of the lunar year and
//   1 more May Day are now statutory).
// - 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
//
// Every day of each announced holiday block is listed (weekend days inside a block too),
// so the list reads exactly like the notice. WORKDAY entries are the weekend days on which
// people work (调休上班). Dates are Asia/Shanghai calendar dates.

export interface HolidayEntry {
  date: string;
  kind: 'HOLIDAY' | 'WORKDAY';
  name: string;
}

const NEW_YEAR = "New Year's Day (元旦)";
const SPRING = 'Spring Festival (春节)';
const QINGMING = 'Qingming Festival (清明节)';
const LABOUR = 'Labour Day (劳动节)';
const DRAGON = 'Dragon Boat Festival (端午节)';
const MID_AUTUMN = 'Mid-Autumn Festival (中秋节)';
const NATIONAL = 'National Day (国庆节)';
const NATIONAL_MID_AUTUMN = 'National Day and Mid-Autumn Festival (国庆节、中秋节)';

const h = (date: string, name: string): HolidayEntry => ({ date, kind: 'HOLIDAY', name });
const w = (date: string, name: string): HolidayEntry => ({ date, kind: 'WORKDAY', name: `${name} make-up workday (调休上班)` });

/** Official 2025–2026 holidays (HOLIDAY) and make-up working days (WORKDAY), sorted by date. */
export const CN_HOLIDAYS_2025_2026: HolidayEntry[] = [
  // ---- 2025 ----
  // 元旦: 1月1日（周三）放假1天，不调休。
  h('2025-01-01', NEW_YEAR),
  // 春节: 1月28日（除夕、周二）至2月4日（正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
  w('2025-01-26', SPRING),
  h('2025-01-28', SPRING),
  h('2025-01-29', SPRING),
  h('2025-01-30', SPRING),
  h('2025-01-31', SPRING),
  h('2025-02-01', SPRING),
  h('2025-02-02', SPRING),
  h('2025-02-03', SPRING),
  h('2025-02-04', SPRING),
  w('2025-02-08', SPRING),
  // 清明节: 4月4日（周五）至6日（周日）放假，共3天。
  h('2025-04-04', QINGMING),
  h('2025-04-05', QINGMING),
  h('2025-04-06', QINGMING),
  // 劳动节: 5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
  w('2025-04-27', LABOUR),
  h('2025-05-01', LABOUR),
  h('2025-05-02', LABOUR),
  h('2025-05-03', LABOUR),
  h('2025-05-04', LABOUR),
  h('2025-05-05', LABOUR),
  // 端午节: 5月31日（周六）至6月2日（周一）放假，共3天。
  h('2025-05-31', DRAGON),
  h('2025-06-01', DRAGON),
  h('2025-06-02', DRAGON),
  // 国庆节、中秋节: 10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
  w('2025-09-28', NATIONAL_MID_AUTUMN),
  h('2025-10-01', NATIONAL_MID_AUTUMN),
  h('2025-10-02', NATIONAL_MID_AUTUMN),
  h('2025-10-03', NATIONAL_MID_AUTUMN),
  h('2025-10-04', NATIONAL_MID_AUTUMN),
  h('2025-10-05', NATIONAL_MID_AUTUMN),
  h('2025-10-06', NATIONAL_MID_AUTUMN),
  h('2025-10-07', NATIONAL_MID_AUTUMN),
  h('2025-10-08', NATIONAL_MID_AUTUMN),
  w('2025-10-11', NATIONAL_MID_AUTUMN),

  // ---- 2026 ----
  // 元旦: 1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
  h('2026-01-01', NEW_YEAR),
  h('2026-01-02', NEW_YEAR),
  h('2026-01-03', NEW_YEAR),
  w('2026-01-04', NEW_YEAR),
  // 春节: 2月15日（腊月二十八、周日）至23日（正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
  w('2026-02-14', SPRING),
  h('2026-02-15', SPRING),
  h('2026-02-16', SPRING),
  h('2026-02-17', SPRING),
  h('2026-02-18', SPRING),
  h('2026-02-19', SPRING),
  h('2026-02-20', SPRING),
  h('2026-02-21', SPRING),
  h('2026-02-22', SPRING),
  h('2026-02-23', SPRING),
  w('2026-02-28', SPRING),
  // 清明节: 4月4日（周六）至6日（周一）放假，共3天。
  h('2026-04-04', QINGMING),
  h('2026-04-05', QINGMING),
  h('2026-04-06', QINGMING),
  // 劳动节: 5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
  h('2026-05-01', LABOUR),
  h('2026-05-02', LABOUR),
  h('2026-05-03', LABOUR),
  h('2026-05-04', LABOUR),
  h('2026-05-05', LABOUR),
  w('2026-05-09', LABOUR),
  // 端午节: 6月19日（周五）至21日（周日）放假，共3天。
  h('2026-06-19', DRAGON),
  h('2026-06-20', DRAGON),
  h('2026-06-21', DRAGON),
  // (国庆节 make-up Sunday, listed here to keep the list in date order)
  w('2026-09-20', NATIONAL),
  // 中秋节: 9月25日（周五）至27日（周日）放假，共3天。
  h('2026-09-25', MID_AUTUMN),
  h('2026-09-26', MID_AUTUMN),
  h('2026-09-27', MID_AUTUMN),
  // 国庆节: 10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
  h('2026-10-01', NATIONAL),
  h('2026-10-02', NATIONAL),
  h('2026-10-03', NATIONAL),
  h('2026-10-04', NATIONAL),
  h('2026-10-05', NATIONAL),
  h('2026-10-06', NATIONAL),
  h('2026-10-07', NATIONAL),
  w('2026-10-10', NATIONAL),
];
