import {
  addSpan,
  addWorkingDays,
  addWorkingMinutes,
  defaultCalendar,
  isWorkingDay,
  isWorkingInstant,
  localDate,
  minutesPerWorkingDay,
  spanFraction,
  workingMinutesBetween,
} from '../../domain/calendar';
import { CN_HOLIDAYS_2025_2026 } from '../../domain/holidays';
import type { CalendarSnapshot } from '../../domain/types';

// Shanghai wall time → epoch ms. `sh('2026-11-23T10:00')` = Date.parse('2026-11-23T10:00:00+08:00').
const sh = (local: string): number => Date.parse(local.length === 16 ? `${local}:00+08:00` : `${local}+08:00`);

// Reference weekdays used below (checked against the 2026 calendar):
// 2026-11-20 Fri, 11-21 Sat, 11-22 Sun, 11-23 Mon … 11-27 Fri, 11-28 Sat, 11-29 Sun, 11-30 Mon.
// National Day 2026: 09-20 (Sun) works, 10-01 (Thu) … 10-07 (Wed) off, 10-10 (Sat) works.
// Spring Festival 2026: 02-14 (Sat) works, 02-15 (Sun) … 02-23 (Mon) off, 02-28 (Sat) works.
const cal = defaultCalendar();

describe('defaultCalendar', () => {
  it('is Asia/Shanghai, UTC+8, 09:00–12:00 + 13:30–17:30, Mon–Fri', () => {
    expect(cal.timeZone).toBe('Asia/Shanghai');
    expect(cal.utcOffsetMinutes).toBe(480);
    expect(cal.officeHours).toEqual([['09:00', '12:00'], ['13:30', '17:30']]);
    expect(cal.workWeek).toEqual([1, 2, 3, 4, 5]);
    expect(cal.holidays).toContain('2026-10-01');
    expect(cal.workdays).toContain('2026-10-10');
    expect(cal.holidays).not.toContain('2026-10-10');
  });

  it('has 420 office minutes a day (3 h morning + 4 h afternoon)', () => {
    expect(minutesPerWorkingDay(cal)).toBe(420);
  });

  it('applies overrides and returns fresh arrays each call', () => {
    const c = defaultCalendar({ officeHours: [['09:00', '12:00'], ['13:00', '17:30']], holidays: [] });
    expect(minutesPerWorkingDay(c)).toBe(450);
    expect(c.holidays).toEqual([]);
    expect(c.timeZone).toBe('Asia/Shanghai');
    const a = defaultCalendar();
    a.holidays.push('2026-11-23');
    expect(defaultCalendar().holidays).not.toContain('2026-11-23');
  });
});

describe('localDate', () => {
  it('maps instants around the UTC midnight boundary to the Shanghai date', () => {
    expect(localDate(Date.parse('2026-11-22T15:59:59.999Z'), cal)).toBe('2026-11-22');
    expect(localDate(Date.parse('2026-11-22T16:00:00.000Z'), cal)).toBe('2026-11-23');
    expect(localDate(Date.parse('2026-11-22T16:30:00Z'), cal)).toBe('2026-11-23');
    expect(localDate(Date.parse('2026-11-23T15:59:59Z'), cal)).toBe('2026-11-23');
  });

  it('handles year ends, leap days and instants before 1970', () => {
    expect(localDate(Date.parse('2025-12-31T15:59:59Z'), cal)).toBe('2025-12-31');
    expect(localDate(Date.parse('2025-12-31T16:00:00Z'), cal)).toBe('2026-01-01');
    expect(localDate(Date.parse('2028-02-28T16:00:00Z'), cal)).toBe('2028-02-29');
    expect(localDate(Date.parse('1969-12-31T15:59:59Z'), cal)).toBe('1969-12-31');
    expect(localDate(Date.parse('1969-12-31T16:00:00Z'), cal)).toBe('1970-01-01');
  });

  it('follows the calendar offset', () => {
    const utc = defaultCalendar({ timeZone: 'UTC', utcOffsetMinutes: 0 });
    const ny = defaultCalendar({ timeZone: 'America/Bogota', utcOffsetMinutes: -300 });
    expect(localDate(Date.parse('2026-11-22T16:30:00Z'), utc)).toBe('2026-11-22');
    expect(localDate(Date.parse('2026-11-23T04:59:59Z'), ny)).toBe('2026-11-22');
    expect(localDate(Date.parse('2026-11-23T05:00:00Z'), ny)).toBe('2026-11-23');
  });
});

describe('isWorkingDay', () => {
  it('follows the week pattern on ordinary weeks', () => {
    expect(isWorkingDay('2026-11-20', cal)).toBe(true); // Fri
    expect(isWorkingDay('2026-11-21', cal)).toBe(false); // Sat
    expect(isWorkingDay('2026-11-22', cal)).toBe(false); // Sun
    expect(isWorkingDay('2026-11-23', cal)).toBe(true); // Mon
  });

  it('2026 National Day: weekday holidays are off, make-up weekend days work', () => {
    expect(isWorkingDay('2026-09-19', cal)).toBe(false); // Sat
    expect(isWorkingDay('2026-09-20', cal)).toBe(true); // Sun, make-up
    expect(isWorkingDay('2026-09-30', cal)).toBe(true); // Wed
    expect(isWorkingDay('2026-10-01', cal)).toBe(false); // Thu, holiday
    expect(isWorkingDay('2026-10-02', cal)).toBe(false); // Fri, holiday
    expect(isWorkingDay('2026-10-05', cal)).toBe(false); // Mon, holiday
    expect(isWorkingDay('2026-10-07', cal)).toBe(false); // Wed, holiday
    expect(isWorkingDay('2026-10-08', cal)).toBe(true); // Thu
    expect(isWorkingDay('2026-10-10', cal)).toBe(true); // Sat, make-up
    expect(isWorkingDay('2026-10-11', cal)).toBe(false); // Sun
  });

  it('2026 Spring Festival: 02-14 and 02-28 (Saturdays) work, 02-16..02-23 weekdays are off', () => {
    expect(isWorkingDay('2026-02-13', cal)).toBe(true); // Fri
    expect(isWorkingDay('2026-02-14', cal)).toBe(true); // Sat, make-up
    expect(isWorkingDay('2026-02-16', cal)).toBe(false); // Mon, 除夕
    expect(isWorkingDay('2026-02-23', cal)).toBe(false); // Mon, 初七
    expect(isWorkingDay('2026-02-24', cal)).toBe(true); // Tue
    expect(isWorkingDay('2026-02-28', cal)).toBe(true); // Sat, make-up
    expect(isWorkingDay('2026-03-01', cal)).toBe(false); // Sun
  });

  it('workdays list wins over holidays list, which wins over workWeek', () => {
    const c: CalendarSnapshot = {
      ...defaultCalendar(),
      workWeek: [1, 2, 3, 4, 5, 6],
      holidays: ['2026-11-24', '2026-11-25'],
      workdays: ['2026-11-25', '2026-11-22'],
    };
    expect(isWorkingDay('2026-11-21', c)).toBe(true); // Sat, in workWeek
    expect(isWorkingDay('2026-11-22', c)).toBe(true); // Sun, workdays
    expect(isWorkingDay('2026-11-24', c)).toBe(false); // Tue, holidays
    expect(isWorkingDay('2026-11-25', c)).toBe(true); // both lists: workdays wins
  });

  it('rejects malformed or impossible dates', () => {
    expect(() => isWorkingDay('2026-02-30', cal)).toThrow(/does not exist/);
    expect(() => isWorkingDay('2026-2-3', cal)).toThrow(/YYYY-MM-DD/);
  });
});

describe('isWorkingInstant', () => {
  it('is start-inclusive and end-exclusive per office segment', () => {
    expect(isWorkingInstant(sh('2026-11-23T08:59:59.999'), cal)).toBe(false);
    expect(isWorkingInstant(sh('2026-11-23T09:00'), cal)).toBe(true);
    expect(isWorkingInstant(sh('2026-11-23T11:59:59.999'), cal)).toBe(true);
    expect(isWorkingInstant(sh('2026-11-23T12:00'), cal)).toBe(false);
    expect(isWorkingInstant(sh('2026-11-23T13:29'), cal)).toBe(false);
    expect(isWorkingInstant(sh('2026-11-23T13:30'), cal)).toBe(true);
    expect(isWorkingInstant(sh('2026-11-23T17:29:59'), cal)).toBe(true);
    expect(isWorkingInstant(sh('2026-11-23T17:30'), cal)).toBe(false);
  });

  it('reads UTC instants in local time', () => {
    expect(isWorkingInstant(Date.parse('2026-11-23T00:59:59.999Z'), cal)).toBe(false); // 08:59:59.999
    expect(isWorkingInstant(Date.parse('2026-11-23T01:00:00Z'), cal)).toBe(true); // 09:00
    expect(isWorkingInstant(Date.parse('2026-11-23T09:30:00Z'), cal)).toBe(false); // 17:30
  });

  it('is false on weekends and holidays, true on make-up days', () => {
    expect(isWorkingInstant(sh('2026-11-22T10:00'), cal)).toBe(false); // Sun
    expect(isWorkingInstant(sh('2026-10-05T10:00'), cal)).toBe(false); // Mon, National Day
    expect(isWorkingInstant(sh('2026-10-10T10:00'), cal)).toBe(true); // Sat, make-up
    expect(isWorkingInstant(sh('2026-09-20T14:00'), cal)).toBe(true); // Sun, make-up
  });
});

describe('addWorkingMinutes', () => {
  it('crosses lunch: 11:30 + 60 = 14:00', () => {
    expect(addWorkingMinutes(sh('2026-11-23T11:30'), 60, cal)).toBe(sh('2026-11-23T14:00'));
  });

  it('crosses an evening: Mon 17:00 + 60 = Tue 09:30', () => {
    expect(addWorkingMinutes(sh('2026-11-23T17:00'), 60, cal)).toBe(sh('2026-11-24T09:30'));
  });

  it('crosses a weekend: Fri 17:00 + 60 = Mon 09:30', () => {
    expect(addWorkingMinutes(sh('2026-11-27T17:00'), 60, cal)).toBe(sh('2026-11-30T09:30'));
  });

  it('starts outside office hours at the next segment start', () => {
    expect(addWorkingMinutes(sh('2026-11-23T07:00'), 60, cal)).toBe(sh('2026-11-23T10:00'));
    expect(addWorkingMinutes(sh('2026-11-23T12:15'), 60, cal)).toBe(sh('2026-11-23T14:30'));
    expect(addWorkingMinutes(sh('2026-11-23T20:00'), 60, cal)).toBe(sh('2026-11-24T10:00'));
    expect(addWorkingMinutes(sh('2026-11-22T10:00'), 60, cal)).toBe(sh('2026-11-23T10:00')); // Sun
    expect(addWorkingMinutes(sh('2026-11-21T15:00'), 90, cal)).toBe(sh('2026-11-23T10:30')); // Sat
    expect(addWorkingMinutes(sh('2026-11-23T00:00'), 1, cal)).toBe(sh('2026-11-23T09:01'));
  });

  it('starting on a segment end continues at the next segment', () => {
    expect(addWorkingMinutes(sh('2026-11-23T12:00'), 30, cal)).toBe(sh('2026-11-23T14:00'));
    expect(addWorkingMinutes(sh('2026-11-23T17:30'), 1, cal)).toBe(sh('2026-11-24T09:01'));
  });

  it('lands exactly on a segment end instead of the next segment start', () => {
    expect(addWorkingMinutes(sh('2026-11-23T16:30'), 60, cal)).toBe(sh('2026-11-23T17:30'));
    expect(addWorkingMinutes(sh('2026-11-23T11:00'), 60, cal)).toBe(sh('2026-11-23T12:00'));
    expect(addWorkingMinutes(sh('2026-11-23T09:00'), 420, cal)).toBe(sh('2026-11-23T17:30'));
    expect(addWorkingMinutes(sh('2026-11-23T07:00'), 420, cal)).toBe(sh('2026-11-23T17:30'));
    expect(addWorkingMinutes(sh('2026-11-23T09:00'), 840, cal)).toBe(sh('2026-11-24T17:30'));
    expect(addWorkingMinutes(sh('2026-11-27T17:00'), 30, cal)).toBe(sh('2026-11-27T17:30')); // not Monday
  });

  it('0 minutes returns the start unchanged, even outside office hours', () => {
    expect(addWorkingMinutes(sh('2026-11-23T10:00'), 0, cal)).toBe(sh('2026-11-23T10:00'));
    expect(addWorkingMinutes(sh('2026-11-22T20:00'), 0, cal)).toBe(sh('2026-11-22T20:00'));
    expect(addWorkingMinutes(sh('2026-11-23T17:30'), 0, cal)).toBe(sh('2026-11-23T17:30'));
  });

  it('handles fractional minutes to the millisecond', () => {
    expect(addWorkingMinutes(sh('2026-11-23T10:00'), 0.25, cal)).toBe(sh('2026-11-23T10:00:15'));
    expect(addWorkingMinutes(sh('2026-11-23T11:59:30'), 1.5, cal)).toBe(sh('2026-11-23T13:31:00'));
    expect(addWorkingMinutes(sh('2026-11-23T17:29:45'), 0.5, cal)).toBe(sh('2026-11-24T09:00:15'));
    expect(addWorkingMinutes(sh('2026-11-23T10:00'), 0.001, cal)).toBe(sh('2026-11-23T10:00:00.060'));
  });

  it('2026 National Day: make-up Sunday counts, the weekday holidays do not', () => {
    // Fri 09-18 17:00: 30 min left; Sat 09-19 off; Sun 09-20 make-up day.
    expect(addWorkingMinutes(sh('2026-09-18T17:00'), 60, cal)).toBe(sh('2026-09-20T09:30'));
    // Wed 09-30 17:00: 30 min left; 10-01..10-07 off; Thu 10-08.
    expect(addWorkingMinutes(sh('2026-09-30T17:00'), 60, cal)).toBe(sh('2026-10-08T09:30'));
    // Fri 10-09 17:00: 30 min left; Sat 10-10 make-up day.
    expect(addWorkingMinutes(sh('2026-10-09T17:00'), 60, cal)).toBe(sh('2026-10-10T09:30'));
    // Reported during the holiday: counting starts Thu 10-08 09:00.
    expect(addWorkingMinutes(sh('2026-10-03T11:00'), 60, cal)).toBe(sh('2026-10-08T10:00'));
  });

  it('2026 Mid-Autumn: Fri 09-25 is off', () => {
    expect(addWorkingMinutes(sh('2026-09-24T17:00'), 60, cal)).toBe(sh('2026-09-28T09:30'));
  });

  it('2026 Spring Festival: make-up Saturdays count, 02-15..02-23 do not', () => {
    expect(addWorkingMinutes(sh('2026-02-13T17:00'), 60, cal)).toBe(sh('2026-02-14T09:30'));
    expect(addWorkingMinutes(sh('2026-02-14T17:00'), 60, cal)).toBe(sh('2026-02-24T09:30'));
    expect(addWorkingMinutes(sh('2026-02-27T17:00'), 60, cal)).toBe(sh('2026-02-28T09:30'));
  });

  it('works with other offsets', () => {
    const utc = defaultCalendar({ timeZone: 'UTC', utcOffsetMinutes: 0, holidays: [], workdays: [] });
    expect(addWorkingMinutes(Date.parse('2026-11-23T11:30:00Z'), 60, utc)).toBe(Date.parse('2026-11-23T14:00:00Z'));
    const bogota = defaultCalendar({ timeZone: 'America/Bogota', utcOffsetMinutes: -300, holidays: [], workdays: [] });
    // Fri 2026-11-27 17:00 -05:00 + 60 → Mon 09:30 -05:00
    expect(addWorkingMinutes(Date.parse('2026-11-27T17:00:00-05:00'), 60, bogota)).toBe(Date.parse('2026-11-30T09:30:00-05:00'));
  });

  it('rejects negative, NaN and infinite amounts', () => {
    expect(() => addWorkingMinutes(sh('2026-11-23T10:00'), -1, cal)).toThrow(RangeError);
    expect(() => addWorkingMinutes(sh('2026-11-23T10:00'), NaN, cal)).toThrow(RangeError);
    expect(() => addWorkingMinutes(sh('2026-11-23T10:00'), Infinity, cal)).toThrow(RangeError);
    expect(() => addWorkingMinutes(NaN, 1, cal)).toThrow(RangeError);
  });

  it('throws on a calendar with no working days or no office hours', () => {
    const never = defaultCalendar({ workWeek: [], workdays: [] });
    expect(() => addWorkingMinutes(sh('2026-11-23T10:00'), 1, never)).toThrow(/no working day found in 3660 days/);
    const noHours = defaultCalendar({ officeHours: [] });
    expect(() => addWorkingMinutes(sh('2026-11-23T10:00'), 1, noHours)).toThrow(/no office hours/);
  });

  it('finds a lone working day far ahead (within the search limit)', () => {
    const rare = defaultCalendar({ workWeek: [], holidays: [], workdays: ['2030-01-02'] });
    expect(addWorkingMinutes(sh('2026-11-23T10:00'), 60, rare)).toBe(sh('2030-01-02T10:00'));
  });

  it('rejects invalid office hours', () => {
    expect(() => minutesPerWorkingDay(defaultCalendar({ officeHours: [['9:00', '12:00']] }))).toThrow(/HH:MM/);
    expect(() => minutesPerWorkingDay(defaultCalendar({ officeHours: [['12:00', '09:00']] }))).toThrow(/end before/);
    expect(() =>
      minutesPerWorkingDay(defaultCalendar({ officeHours: [['09:00', '12:00'], ['11:00', '13:00']] })),
    ).toThrow(/overlap/);
  });
});

describe('addWorkingDays', () => {
  it('one working day is a full day of office time', () => {
    expect(addWorkingDays(sh('2026-11-23T10:00'), 1, cal)).toBe(sh('2026-11-24T10:00')); // Mon → Tue
    expect(addWorkingDays(sh('2026-11-27T18:00'), 1, cal)).toBe(sh('2026-11-30T17:30')); // Fri evening → Mon end
    expect(addWorkingDays(sh('2026-11-23T09:00'), 1, cal)).toBe(sh('2026-11-23T17:30')); // same day end
    expect(addWorkingDays(sh('2026-11-23T12:30'), 1, cal)).toBe(sh('2026-11-24T12:00')); // lunch start → Tue noon
    expect(addWorkingDays(sh('2026-11-23T10:00'), 0, cal)).toBe(sh('2026-11-23T10:00'));
    expect(addWorkingDays(sh('2026-11-23T10:00'), 0.5, cal)).toBe(sh('2026-11-23T15:00')); // 210 min: 120 + 90
  });

  it('1..7 working days across a weekend', () => {
    const start = sh('2026-11-25T10:00'); // Wed
    const expected = [
      '2026-11-26T10:00', // Thu
      '2026-11-27T10:00', // Fri
      '2026-11-30T10:00', // Mon
      '2026-12-01T10:00', // Tue
      '2026-12-02T10:00', // Wed
      '2026-12-03T10:00', // Thu
      '2026-12-04T10:00', // Fri
    ];
    expected.forEach((end, i) => expect(addWorkingDays(start, i + 1, cal)).toBe(sh(end)));
  });

  it('1..7 working days across the 2026 National Day holiday', () => {
    const start = sh('2026-09-30T10:00'); // Wed
    const expected = [
      '2026-10-08T10:00', // Thu (10-01..10-07 off)
      '2026-10-09T10:00', // Fri
      '2026-10-10T10:00', // Sat, make-up
      '2026-10-12T10:00', // Mon (Sun 10-11 off)
      '2026-10-13T10:00',
      '2026-10-14T10:00',
      '2026-10-15T10:00',
    ];
    expected.forEach((end, i) => expect(addWorkingDays(start, i + 1, cal)).toBe(sh(end)));
  });

  it('1..7 working days across the 2026 Spring Festival', () => {
    const start = sh('2026-02-12T10:00'); // Thu
    const expected = [
      '2026-02-13T10:00', // Fri
      '2026-02-14T10:00', // Sat, make-up
      '2026-02-24T10:00', // Tue (02-15..02-23 off)
      '2026-02-25T10:00',
      '2026-02-26T10:00',
      '2026-02-27T10:00',
      '2026-02-28T10:00', // Sat, make-up
    ];
    expected.forEach((end, i) => expect(addWorkingDays(start, i + 1, cal)).toBe(sh(end)));
  });

  it('rejects negative days', () => {
    expect(() => addWorkingDays(sh('2026-11-23T10:00'), -1, cal)).toThrow(RangeError);
  });

  // Its speed is measured by `npm run bench:calendar`, not asserted here.
  it('a 1000-day window spans exactly 1000 working days of office minutes', () => {
    const s = sh('2026-01-05T10:00');
    const far = addWorkingDays(s, 1000, cal);
    expect(workingMinutesBetween(s, far, cal)).toBe(420_000);
  });
});

describe('workingMinutesBetween', () => {
  it('counts office minutes only', () => {
    expect(workingMinutesBetween(sh('2026-11-23T11:30'), sh('2026-11-23T14:00'), cal)).toBe(60);
    expect(workingMinutesBetween(sh('2026-11-27T17:00'), sh('2026-11-30T09:30'), cal)).toBe(60);
    expect(workingMinutesBetween(sh('2026-11-23T09:00'), sh('2026-11-24T09:00'), cal)).toBe(420);
    expect(workingMinutesBetween(sh('2026-11-23T00:00'), sh('2026-11-30T00:00'), cal)).toBe(2100);
    expect(workingMinutesBetween(sh('2026-11-23T12:00'), sh('2026-11-23T13:30'), cal)).toBe(0);
    expect(workingMinutesBetween(sh('2026-11-21T00:00'), sh('2026-11-23T00:00'), cal)).toBe(0); // weekend
    expect(workingMinutesBetween(sh('2026-11-23T11:59:30'), sh('2026-11-23T13:31'), cal)).toBe(1.5);
  });

  it('is 0 when b <= a', () => {
    expect(workingMinutesBetween(sh('2026-11-23T14:00'), sh('2026-11-23T11:30'), cal)).toBe(0);
    expect(workingMinutesBetween(sh('2026-11-23T14:00'), sh('2026-11-23T14:00'), cal)).toBe(0);
  });

  it('skips holidays and counts make-up days', () => {
    // Wed 09-30, Thu 10-08, Fri 10-09, Sat 10-10 are the working days in [09-30, 10-12).
    expect(workingMinutesBetween(sh('2026-09-30T09:00'), sh('2026-10-12T09:00'), cal)).toBe(1680);
  });

  it('inverts addWorkingMinutes from any working instant', () => {
    const starts = [
      '2026-11-23T09:00',
      '2026-11-23T11:59',
      '2026-11-23T13:30',
      '2026-11-23T17:29',
      '2026-11-27T16:00', // Fri
      '2026-09-20T10:00', // make-up Sunday
      '2026-02-14T11:00', // make-up Saturday before Spring Festival
      '2026-09-30T15:00', // eve of National Day
      '2025-12-31T17:00', // eve of New Year's Day 2026
    ].map(sh);
    const amounts = [0, 0.25, 1, 1.5, 30, 59.5, 60, 150, 419, 420, 421, 2940, 10_000];
    for (const s of starts) {
      expect(isWorkingInstant(s, cal)).toBe(true);
      for (const m of amounts) {
        expect([s, m, workingMinutesBetween(s, addWorkingMinutes(s, m, cal), cal)]).toEqual([s, m, m]);
      }
    }
  });
});

describe('addSpan', () => {
  it('WALL adds minutes, hours and 24-hour days literally, ignoring calendars', () => {
    expect(addSpan(sh('2026-11-21T23:50'), { clock: 'WALL', minutes: 10 }, cal)).toBe(sh('2026-11-22T00:00'));
    expect(addSpan(sh('2026-11-27T17:00'), { clock: 'WALL', hours: 2 }, cal)).toBe(sh('2026-11-27T19:00'));
    expect(addSpan(sh('2026-11-23T10:00'), { clock: 'WALL', days: 1, hours: 2, minutes: 30 }, cal)).toBe(
      sh('2026-11-24T12:30'),
    );
    expect(addSpan(sh('2026-09-30T22:00'), { clock: 'WALL', days: 1 }, cal)).toBe(sh('2026-10-01T22:00'));
    expect(addSpan(sh('2026-11-23T10:00'), { clock: 'WALL' }, cal)).toBe(sh('2026-11-23T10:00'));
  });

  it('WORKING uses working minutes and working days, fields adding up', () => {
    expect(addSpan(sh('2026-11-23T11:30'), { clock: 'WORKING', hours: 1 }, cal)).toBe(sh('2026-11-23T14:00'));
    expect(addSpan(sh('2026-11-23T10:00'), { clock: 'WORKING', days: 1 }, cal)).toBe(sh('2026-11-24T10:00'));
    expect(addSpan(sh('2026-11-27T18:00'), { clock: 'WORKING', days: 1 }, cal)).toBe(sh('2026-11-30T17:30'));
    // 1 day + 1 h + 30 min = 510 working minutes: Mon 360 left, Tue 09:00 + 150 = 11:30.
    expect(addSpan(sh('2026-11-23T10:00'), { clock: 'WORKING', days: 1, hours: 1, minutes: 30 }, cal)).toBe(
      sh('2026-11-24T11:30'),
    );
    expect(addSpan(sh('2026-09-30T10:00'), { clock: 'WORKING', days: 3 }, cal)).toBe(sh('2026-10-10T10:00'));
    expect(addSpan(sh('2026-11-22T20:00'), { clock: 'WORKING' }, cal)).toBe(sh('2026-11-22T20:00'));
  });

  it('rejects negative fields', () => {
    expect(() => addSpan(sh('2026-11-23T10:00'), { clock: 'WALL', hours: -1 }, cal)).toThrow(RangeError);
    expect(() => addSpan(sh('2026-11-23T10:00'), { clock: 'WORKING', days: -1 }, cal)).toThrow(RangeError);
  });
});

describe('spanFraction', () => {
  it('0.8 of one working hour is 48 working minutes', () => {
    expect(spanFraction(sh('2026-11-23T10:00'), { clock: 'WORKING', hours: 1 }, 0.8, cal)).toBe(sh('2026-11-23T10:48'));
    expect(spanFraction(sh('2026-11-23T11:30'), { clock: 'WORKING', hours: 1 }, 0.8, cal)).toBe(sh('2026-11-23T13:48'));
    expect(spanFraction(sh('2026-11-22T20:00'), { clock: 'WORKING', hours: 1 }, 0.8, cal)).toBe(sh('2026-11-23T09:48'));
    expect(spanFraction(sh('2026-11-27T17:00'), { clock: 'WORKING', hours: 1 }, 0.8, cal)).toBe(sh('2026-11-30T09:18'));
  });

  it('0.8 of one working day is 336 working minutes', () => {
    // Mon 10:00: 120 min to noon, then 216 min from 13:30 = 17:06.
    expect(spanFraction(sh('2026-11-23T10:00'), { clock: 'WORKING', days: 1 }, 0.8, cal)).toBe(sh('2026-11-23T17:06'));
  });

  it('WALL is linear', () => {
    expect(spanFraction(sh('2026-11-23T10:00'), { clock: 'WALL', minutes: 10 }, 0.8, cal)).toBe(sh('2026-11-23T10:08'));
    expect(spanFraction(sh('2026-11-22T23:00'), { clock: 'WALL', hours: 2 }, 0.8, cal)).toBe(sh('2026-11-23T00:36'));
    expect(spanFraction(sh('2026-11-22T23:00'), { clock: 'WALL', days: 1 }, 0.5, cal)).toBe(sh('2026-11-23T11:00'));
  });

  it('fraction 1 equals addSpan and fraction 0 returns the start', () => {
    const spans = [
      { clock: 'WORKING' as const, hours: 1 },
      { clock: 'WORKING' as const, days: 7 },
      { clock: 'WALL' as const, minutes: 10 },
      { clock: 'WALL' as const, hours: 2 },
    ];
    const s = sh('2026-09-30T16:45');
    for (const span of spans) {
      expect(spanFraction(s, span, 1, cal)).toBe(addSpan(s, span, cal));
      expect(spanFraction(s, span, 0, cal)).toBe(s);
    }
  });

  it('rejects fractions outside 0..1', () => {
    expect(() => spanFraction(sh('2026-11-23T10:00'), { clock: 'WALL', hours: 1 }, 1.2, cal)).toThrow(RangeError);
    expect(() => spanFraction(sh('2026-11-23T10:00'), { clock: 'WALL', hours: 1 }, -0.1, cal)).toThrow(RangeError);
    expect(() => spanFraction(sh('2026-11-23T10:00'), { clock: 'WALL', hours: 1 }, NaN, cal)).toThrow(RangeError);
  });
});

describe('snapshot cache', () => {
  it('notices a replaced holidays array on the same snapshot object', () => {
    const c = defaultCalendar();
    expect(isWorkingDay('2026-11-23', c)).toBe(true);
    c.holidays = [...c.holidays, '2026-11-23'];
    expect(isWorkingDay('2026-11-23', c)).toBe(false);
  });
});

describe('CN_HOLIDAYS_2025_2026 data', () => {
  const weekday = (d: string): number => new Date(`${d}T00:00:00Z`).getUTCDay(); // 0 = Sun
  const of = (year: string, kind: 'HOLIDAY' | 'WORKDAY') =>
    CN_HOLIDAYS_2025_2026.filter((e) => e.kind === kind && e.date.startsWith(year)).map((e) => e.date);

  it('is sorted, unique and well-formed', () => {
    const dates = CN_HOLIDAYS_2025_2026.map((e) => e.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
    for (const e of CN_HOLIDAYS_2025_2026) {
      expect(e.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${e.date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(e.date);
      expect(e.name.length).toBeGreaterThan(0);
    }
  });

  it('make-up workdays all fall on weekends', () => {
    for (const d of [...of('2025', 'WORKDAY'), ...of('2026', 'WORKDAY')]) {
      expect([d, [0, 6].includes(weekday(d))]).toEqual([d, true]);
    }
  });

  it('matches the State Council notices day for day', () => {
    // 2025: 元旦 1 + 春节 8 + 清明 3 + 劳动节 5 + 端午 3 + 国庆中秋 8 = 28 days off.
    expect(of('2025', 'HOLIDAY')).toHaveLength(28);
    expect(of('2025', 'WORKDAY')).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
    // 2026: 元旦 3 + 春节 9 + 清明 3 + 劳动节 5 + 端午 3 + 中秋 3 + 国庆 7 = 33 days off.
    expect(of('2026', 'HOLIDAY')).toHaveLength(33);
    expect(of('2026', 'WORKDAY')).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    // Block boundaries and their weekdays as printed in the notices.
    expect(weekday('2025-01-28')).toBe(2); // 除夕, 周二
    expect(weekday('2025-10-08')).toBe(3); // 周三
    expect(weekday('2026-02-15')).toBe(0); // 腊月二十八, 周日
    expect(weekday('2026-02-23')).toBe(1); // 正月初七, 周一
    expect(weekday('2026-10-07')).toBe(3); // 周三
  });
});
