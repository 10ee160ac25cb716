// Assessment periods: a month (2026-11), a quarter (2026-Q4) or a year (2026), in local
// dates of a fixed-offset zone (Asia/Shanghai, UTC+8, by default). Pure and free of
// Node built-ins: the monthly assessment workflow imports it inside the sandbox.
import { DomainError } from '../errors';

/** The kinds of period figures are computed for. */
export type PeriodKind = 'MONTH' | 'QUARTER' | 'YEAR';

/** A parsed period: its canonical text and its bounds as epoch ms, start inclusive, end exclusive. */
export interface Period {
  text: string;
  kind: PeriodKind;
  year: number;
  /** 1–12 for months, 1–4 for quarters, 0 for years. */
  index: number;
  startMs: number;
  endMs: number;
}

/** Asia/Shanghai: UTC+8 all year (no daylight saving time). */
export const SHANGHAI_OFFSET_MINUTES = 480;

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER_RE = /^(\d{4})-Q([1-4])$/;
const YEAR_RE = /^(\d{4})$/;

/** Thrown for text that is not a period (BadInput, INVALID_PERIOD; the API checks isPeriod at its edge first). */
export class PeriodError extends DomainError {
  override name = 'PeriodError';
  constructor(message: string) {
    super('BadInput', 'INVALID_PERIOD', message);
  }
}

/** Whether `text` is a period: YYYY-MM, YYYY-Qn or YYYY. */
export function isPeriod(text: string): boolean {
  return MONTH_RE.test(text) || QUARTER_RE.test(text) || YEAR_RE.test(text);
}

/** Parse "2026-11", "2026-Q4" or "2026" into its local-time bounds. Throws PeriodError. */
export function parsePeriod(text: string, utcOffsetMinutes = SHANGHAI_OFFSET_MINUTES): Period {
  let m = MONTH_RE.exec(text);
  if (m) return build('MONTH', Number(m[1]), Number(m[2]), utcOffsetMinutes);
  m = QUARTER_RE.exec(text);
  if (m) return build('QUARTER', Number(m[1]), Number(m[2]), utcOffsetMinutes);
  m = YEAR_RE.exec(text);
  if (m) return build('YEAR', Number(m[1]), 0, utcOffsetMinutes);
  throw new PeriodError(`not a period: "${text}" (expected YYYY-MM, YYYY-Qn or YYYY)`);
}

function build(kind: PeriodKind, year: number, index: number, offsetMinutes: number): Period {
  const [firstMonth, months] = kind === 'MONTH' ? [index - 1, 1] : kind === 'QUARTER' ? [(index - 1) * 3, 3] : [0, 12];
  const offsetMs = offsetMinutes * 60_000;
  // Local midnight of the first day is UTC midnight minus the zone's offset.
  const startMs = Date.UTC(year, firstMonth, 1) - offsetMs;
  const endMs = Date.UTC(year, firstMonth + months, 1) - offsetMs;
  return { text: formatPeriod(kind, year, index), kind, year, index, startMs, endMs };
}

function formatPeriod(kind: PeriodKind, year: number, index: number): string {
  const y = String(year).padStart(4, '0');
  if (kind === 'MONTH') return `${y}-${String(index).padStart(2, '0')}`;
  if (kind === 'QUARTER') return `${y}-Q${index}`;
  return y;
}

/** The period of `kind` that contains the instant `ms` (local time). */
export function periodContaining(ms: number, kind: PeriodKind, utcOffsetMinutes = SHANGHAI_OFFSET_MINUTES): Period {
  const local = new Date(ms + utcOffsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const index = kind === 'MONTH' ? month : kind === 'QUARTER' ? Math.ceil(month / 3) : 0;
  return build(kind, year, index, utcOffsetMinutes);
}

/** The period of the same kind just before `p`. */
export function previousPeriod(p: Period, utcOffsetMinutes = SHANGHAI_OFFSET_MINUTES): Period {
  return periodContaining(p.startMs - 1, p.kind, utcOffsetMinutes);
}

/** The `n` periods before `p`, oldest first (the trend of a scorecard). */
export function previousPeriods(p: Period, n: number, utcOffsetMinutes = SHANGHAI_OFFSET_MINUTES): Period[] {
  const out: Period[] = [];
  let cur = p;
  for (let i = 0; i < n; i++) {
    cur = previousPeriod(cur, utcOffsetMinutes);
    out.unshift(cur);
  }
  return out;
}

/** The month before the one containing `ms` — what the monthly schedule assesses on the 1st. */
export function previousMonth(ms: number, utcOffsetMinutes = SHANGHAI_OFFSET_MINUTES): Period {
  return previousPeriod(periodContaining(ms, 'MONTH', utcOffsetMinutes), utcOffsetMinutes);
}
