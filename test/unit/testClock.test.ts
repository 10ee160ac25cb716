import { defaultCalendar } from '../../domain/calendar';
import { nextWorkingInstantAt } from '../setup/clock';

const cal = defaultCalendar();
const sh = (local: string): number => Date.parse(`${local}:00+08:00`);

describe('nextWorkingInstantAt (TEST_CLOCK_AT)', () => {
  it('takes the same day when the time is still ahead on a working day', () => {
    expect(nextWorkingInstantAt(sh('2026-11-23T08:00'), '08:59', cal)).toBe(sh('2026-11-23T08:59'));
  });

  it('takes the next working day once the time has passed', () => {
    expect(nextWorkingInstantAt(sh('2026-11-23T09:00'), '08:59', cal)).toBe(sh('2026-11-24T08:59'));
    // Friday evening → Monday.
    expect(nextWorkingInstantAt(sh('2026-11-27T18:00'), '17:29', cal)).toBe(sh('2026-11-30T17:29'));
  });

  it('skips public holidays and keeps make-up working days (调休)', () => {
    // National Day 2026: 10-01 … 10-07 off; Saturday 10-10 is a working day.
    expect(nextWorkingInstantAt(sh('2026-09-30T12:00'), '11:59', cal)).toBe(sh('2026-10-08T11:59'));
    expect(nextWorkingInstantAt(sh('2026-10-09T12:00'), '11:59', cal)).toBe(sh('2026-10-10T11:59'));
  });

  it('works across the UTC date line of the local day (early morning Beijing is the previous UTC day)', () => {
    expect(nextWorkingInstantAt(sh('2026-11-24T01:00'), '08:59', cal)).toBe(sh('2026-11-24T08:59'));
  });

  it('refuses a malformed time', () => {
    expect(() => nextWorkingInstantAt(0, '8:59', cal)).toThrow(RangeError);
    expect(() => nextWorkingInstantAt(0, '24:00', cal)).toThrow(RangeError);
  });
});
