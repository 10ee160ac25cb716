// pino JSON logs for every process; one place sets the base fields.
import pino, { type Logger } from 'pino';

export type { Logger };

/** A pino logger for a named service (api, worker, start). */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
