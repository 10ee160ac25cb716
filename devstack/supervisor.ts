// Keeps one child of `npm start` running: when it exits on its own it is started again after
// the restart policy's delay (devstack/restartPolicy.ts), logged each time, until the policy
// gives up or a precondition fails (e.g. its port is now held by another program) — then
// onGiveUp, and the caller stops everything with that message. stop() ends supervision first,
// so a child stopped on purpose (Ctrl-C) is never restarted.
import { sleep, signalGroup, type ManagedProcess } from './processes';
import { DEFAULT_RESTART_POLICY, decideRestart, initialRestartState, type RestartPolicy } from './restartPolicy';

export interface SupervisorLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface SuperviseOptions {
  name: string;
  /**
   * Starts the child and resolves once it is usable (a service: when it answers). Calls
   * `spawned` as soon as the process exists, so a stop during start-up reaches it.
   */
  start: (spawned: (proc: ManagedProcess) => void) => Promise<ManagedProcess>;
  policy?: Partial<RestartPolicy>;
  /** Checked before each restart: a reason not to restart, or null. */
  canRestart?: () => Promise<string | null>;
  /** Told of every process spawned (e.g. to record pids for the watchdog). */
  onSpawn?: (proc: ManagedProcess) => void;
  onGiveUp: (reason: string) => void;
  log: SupervisorLog;
  now?: () => number;
}

export interface Supervised {
  readonly name: string;
  readonly current: ManagedProcess | undefined;
  /** Restarts so far. */
  readonly restarts: number;
  /** Resolves when the first start is done (rejects if it failed: nothing is supervised then). */
  readonly started: Promise<void>;
  /** Resolves when supervision has ended (stopped, or given up). */
  readonly done: Promise<void>;
  /** No more restarts; stop the child (SIGTERM, SIGKILL after graceMs). */
  stop(graceMs: number): Promise<void>;
}

export function supervise(o: SuperviseOptions): Supervised {
  const policy = { ...DEFAULT_RESTART_POLICY, ...o.policy };
  const now = o.now ?? Date.now;
  let current: ManagedProcess | undefined;
  let restarts = 0;
  let stopping = false;
  let wake: (() => void) | undefined;
  let graceOnStop = 10_000;

  const spawned = (proc: ManagedProcess) => {
    current = proc;
    o.onSpawn?.(proc);
    if (stopping) void proc.stop(graceOnStop);
  };

  let resolveStarted!: () => void;
  let rejectStarted!: (err: unknown) => void;
  const started = new Promise<void>((res, rej) => {
    resolveStarted = res;
    rejectStarted = rej;
  });
  // A first start that fails is the caller's error to report, not a crash to retry.
  started.catch(() => undefined);

  const done = (async () => {
    try {
      await o.start(spawned);
    } catch (err) {
      rejectStarted(err);
      return;
    }
    resolveStarted();
    let state = initialRestartState();
    let startedAt = now();
    for (;;) {
      const proc = current!;
      const { code, signal } = await proc.exited;
      if (stopping) return;
      // Whatever the child left in its process group goes with it.
      signalGroup(proc.pid, 'SIGKILL');
      const exitedAt = now();
      const { decision, state: next } = decideRestart(state, { startedAt, exitedAt }, policy);
      state = next;
      const how = signal ?? `code ${code}`;
      if (decision.action === 'give-up') {
        o.onGiveUp(`${o.name} ${decision.reason} (last: ${how}); not restarting it`);
        return;
      }
      o.log.warn(`${o.name} exited unexpectedly (${how}) after ${((exitedAt - startedAt) / 1000).toFixed(1)}s; restarting in ${decision.delayMs / 1000}s (${decision.restartsInWindow} in the last ${Math.round(policy.windowMs / 60_000)} min)`);
      await Promise.race([sleep(decision.delayMs), new Promise<void>((r) => (wake = r))]);
      if (stopping) return;
      const blocked = await o.canRestart?.();
      if (blocked) {
        o.onGiveUp(`${o.name} cannot be restarted: ${blocked}`);
        return;
      }
      if (stopping) return;
      restarts += 1;
      startedAt = now();
      try {
        await o.start(spawned);
        o.log.info(`${o.name} restarted (restart ${restarts})`);
      } catch (err) {
        // A restart that never became ready counts as a crash of a run that lasted no time.
        if (stopping) return;
        o.log.warn(`${o.name} restart failed: ${(err as Error).message.split('\n')[0]}`);
        if (current?.running) await current.stop(5000);
      }
    }
  })();

  return {
    name: o.name,
    get current() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    started,
    done,
    async stop(graceMs: number) {
      stopping = true;
      graceOnStop = graceMs;
      wake?.();
      await current?.stop(graceMs);
      await done;
    },
  };
}
