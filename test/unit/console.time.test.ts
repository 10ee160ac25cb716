// The console's time helpers (console/src/time.ts): Beijing time on any device zone,
// countdown text, the reminder and breach colours.
import { formatDuration, formatInstant, fromBeijingInput, toBeijingInput, urgencyOf } from '../../console/src/time';

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

  it("reads and writes a datetime-local input in Beijing time (a call's time to report)", () => {
    expect(toBeijingInput(Date.parse('2026-12-03T10:05:00Z'))).toBe('2026-12-03T18:05');
    expect(toBeijingInput(Date.parse('2026-12-03T16:30:00Z'))).toBe('2026-12-04T00:30');
    expect(fromBeijingInput('2026-12-04T00:30')).toBe('2026-12-03T16:30:00.000Z');
    expect(fromBeijingInput('2026-12-04T00:30:15')).toBe('2026-12-03T16:30:15.000Z');
    expect(fromBeijingInput('')).toBeNull();
    expect(fromBeijingInput('tomorrow')).toBeNull();
  });
});
