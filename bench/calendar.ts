// Working-calendar arithmetic speed: every window of every case goes through it, on the
// API (deadlines in the 201) and in the workflow (each reopened window). Pure CPU, no
// servers. Prints its figures and writes bench/results/calendar.json.
import { addWorkingDays, defaultCalendar, workingMinutesBetween } from '../domain/calendar';
import { machineInfo, percentile, round, writeResult } from './lib';

const cal = defaultCalendar();
const start = Date.parse('2026-01-05T10:00:00+08:00');

/** Runs fn `rounds` times and returns the per-call time in µs of each round of `calls` calls. */
function measure(rounds: number, calls: number, fn: (i: number) => void): number[] {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1000 / calls);
  }
  return out.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const sevenDay = measure(20, 20_000, (i) => addWorkingDays(start + i * 61_000, 7, cal));
  const far = measure(20, 50, () => workingMinutesBetween(start, addWorkingDays(start, 1000, cal), cal));
  const summary = (xs: number[]) => ({ p50Us: round(percentile(xs, 50), 2), p99Us: round(percentile(xs, 99), 2) });
  const result = {
    bench: 'calendar',
    at: new Date().toISOString(),
    machine: await machineInfo(),
    sevenDayWindow: summary(sevenDay),
    thousandDayWindowAndCount: summary(far),
    // The old unit test allowed 3 s for 20,000 seven-day windows plus one 1000-day window.
    twentyThousandSevenDayWindowsMs: round((percentile(sevenDay, 50) * 20_000) / 1000, 1),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${writeResult('calendar.json', result)}`);
}

void main();
