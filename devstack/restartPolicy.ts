// When `npm start` restarts a child that exited on its own, pure: given the child's exits so
// far (when it started, when it exited), restart after how long — or give up. No clock, no
// processes: devstack/supervisor.ts feeds it real times, the unit tests feed it numbers.

export interface RestartPolicy {
  /** Wait before the first restart. */
  initialDelayMs: number;
  /** The wait doubles per crash in a row, up to this. */
  maxDelayMs: number;
  /** A run at least this long was healthy: the next crash starts again at initialDelayMs. */
  resetAfterMs: number;
  /** More than this many crashes within windowMs: give up (something is wrong that restarts do not fix). */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
  maxRestarts: 10,
  windowMs: 10 * 60_000,
};

export interface RestartState {
  /** The delay used for the last restart (null: none yet, or reset by a healthy run). */
  lastDelayMs: number | null;
  /** When the child exited, for the exits counted in the window. */
  exits: number[];
}

export const initialRestartState = (): RestartState => ({ lastDelayMs: null, exits: [] });

export interface ExitEvent {
  startedAt: number;
  exitedAt: number;
}

export type RestartDecision = { action: 'restart'; delayMs: number; restartsInWindow: number } | { action: 'give-up'; reason: string };

export function decideRestart(state: RestartState, exit: ExitEvent, p: RestartPolicy = DEFAULT_RESTART_POLICY): { decision: RestartDecision; state: RestartState } {
  const exits = [...state.exits.filter((t) => t > exit.exitedAt - p.windowMs), exit.exitedAt];
  if (exits.length > p.maxRestarts) {
    const minutes = Math.round(p.windowMs / 60_000);
    return {
      decision: { action: 'give-up', reason: `exited ${exits.length} times within ${minutes} minute${minutes === 1 ? '' : 's'}` },
      state: { lastDelayMs: state.lastDelayMs, exits },
    };
  }
  const healthy = exit.exitedAt - exit.startedAt >= p.resetAfterMs;
  const delayMs = healthy || state.lastDelayMs === null ? p.initialDelayMs : Math.min(p.maxDelayMs, state.lastDelayMs * 2);
  return { decision: { action: 'restart', delayMs, restartsInWindow: exits.length }, state: { lastDelayMs: delayMs, exits } };
}
