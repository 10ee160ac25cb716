// Dates and countdowns in Beijing time whatever the device's zone: deadlines are set by
// the district's working calendar, and a worker's phone may be on another zone.
import { useEffect, useState } from 'react';

const ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: string): Intl.DateTimeFormat {
  let f = formatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
      timeZone: ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    formatters.set(lang, f);
  }
  return f;
}

/** "2026/12/03 18:30" (zh) or "03/12/2026, 18:30" (en), Beijing time. */
export function formatInstant(at: string | number | null | undefined, lang: string): string {
  if (at === null || at === undefined) return '—';
  return formatter(lang).format(new Date(at));
}

/** "2天3小时" / "2d 3h" style: the two largest units of a duration. */
export function formatDuration(ms: number, lang: string): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const zh = lang === 'zh';
  const parts: [number, string][] = zh
    ? [[d, '天'], [h, '小时'], [m, '分'], [sec, '秒']]
    : [[d, 'd'], [h, 'h'], [m, 'm'], [sec, 's']];
  const first = parts.findIndex(([v]) => v > 0);
  const shown = first < 0 ? [parts[3]] : parts.slice(first, first + 2);
  return shown.map(([v, u]) => `${v}${u}`).join(zh ? '' : ' ');
}

/**
 * The current time, ticking once a second, shared by every countdown on the page (one timer,
 * not one per row: a list of thousands stays cheap).
 */
const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    listeners.add(setNow);
    timer ??= setInterval(() => {
      const t = Date.now();
      for (const l of listeners) l(t);
    }, 1000);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}

export type Urgency = 'ok' | 'reminder' | 'breached';

/** Where a window stands: breached once due, at the reminder point once remindAt has passed. */
export function urgencyOf(now: number, dueAt: number, remindAt: number | null): Urgency {
  if (now >= dueAt) return 'breached';
  if (remindAt !== null && now >= remindAt) return 'reminder';
  return 'ok';
}

const inputFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

/** An instant as a datetime-local input's value, in Beijing time ("2026-12-03T16:00"). */
export function toBeijingInput(at: number): string {
  return inputFormat.format(new Date(at)).replace(' ', 'T');
}

/** A datetime-local input's value read as Beijing time (the calendar's zone), as ISO 8601; null when not a time. */
export function fromBeijingInput(value: string): string | null {
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}+08:00`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
