// The console's pure helpers (console/src/time.ts, the My work order): Beijing time on any
// device zone, countdown text, the reminder and breach colours, nearest deadline first.
import { byDeadline } from '../../console/src/order';
import { formatDuration, formatInstant, urgencyOf } from '../../console/src/time';
import type { CaseRecord } from '../../console/src/types';

describe('console time helpers', () => {
  it('shows instants in Beijing time whatever the process zone', () => {
    // 2026-12-03T10:05:00Z is 18:05 in Beijing.
    expect(formatInstant('2026-12-03T10:05:00Z', 'zh')).toBe('2026/12/03 18:05');
    expect(formatInstant(Date.parse('2026-12-03T16:30:00Z'), 'en')).toBe('04/12/2026, 00:30');
    expect(formatInstant(null, 'zh')).toBe('—');
  });

  it('writes the two largest units of a countdown', () => {
    expect(formatDuration(((2 * 24 + 3) * 3600 + 59) * 1000, 'zh')).toBe('2天3小时');
    expect(formatDuration((9 * 60 + 52) * 1000, 'zh')).toBe('9分52秒');
    expect(formatDuration((9 * 60 + 52) * 1000, 'en')).toBe('9m 52s');
    expect(formatDuration(400, 'en')).toBe('0s');
  });

  it('is amber from the reminder point and red once due', () => {
    expect(urgencyOf(100, 200, 150)).toBe('ok');
    expect(urgencyOf(150, 200, 150)).toBe('reminder');
    expect(urgencyOf(200, 200, 150)).toBe('breached');
    expect(urgencyOf(199, 200, null)).toBe('ok');
  });

  it('orders My work by the nearest deadline, cases without an open window last (newest first)', () => {
    const c = (code: string, dueAt: string | null, reportedAt = '2026-12-01T00:00:00Z') => ({ code, dueAt, reportedAt }) as CaseRecord;
    const rows = [c('none-old', null, '2026-11-01T00:00:00Z'), c('later', '2026-12-05T00:00:00Z'), c('none-new', null, '2026-12-02T00:00:00Z'), c('soon', '2026-12-03T12:00:00Z')];
    expect(rows.sort(byDeadline).map((r) => r.code)).toEqual(['soon', 'later', 'none-new', 'none-old']);
  });
});
