// The JSON shape of one year's calendar schedule (docs/calendar/README.md), shared by the API's
// request schema, the import function and the CLI. Here rather than in domain/, which imports
// no packages; the consistency rules themselves are pure (domain/calendarSchedule.ts).
import { z } from 'zod';
import type { CalendarYearInput } from '../../domain/calendarSchedule';

export const calendarYearSchema = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  timeZone: z.string().min(1).optional(),
  source: z.string().max(500).optional(),
  days: z
    .array(
      z.strictObject({
        date: z.string(),
        kind: z.enum(['HOLIDAY', 'WORKDAY']),
        name: z.string().max(100).default(''),
      }),
    )
    .max(366),
}) satisfies z.ZodType<CalendarYearInput, unknown>; // the parsed document is what the pure check takes
