// The restart policy of `npm start` (devstack/restartPolicy.ts): exits and times in, decisions out.
import { DEFAULT_RESTART_POLICY, decideRestart, initialRestartState, type RestartDecision, type RestartState } from '../../devstack/restartPolicy';

/** Feed exits (start, exit) in order; the decisions made. */
function run(exits: [number, number][], policy = DEFAULT_RESTART_POLICY): RestartDecision[] {
  let state: RestartState = initialRestartState();
  return exits.map(([startedAt, exitedAt]) => {
    const r = decideRestart(state, { startedAt, exitedAt }, policy);
    state = r.state;
    return r.decision;
  });
}

const delays = (ds: RestartDecision[]) => ds.map((d) => (d.action === 'restart' ? d.delayMs : d.action));

describe('restart policy', () => {
  it('backs off 1 s, doubling, up to 30 s, for a child that keeps crashing at once', () => {
    // Each run starts when the previous delay ran out and crashes after 100 ms.
    const exits: [number, number][] = [];
    let t = 0;
    const expected = [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000];
    for (const d of expected) {
      exits.push([t, t + 100]);
      t += 100 + d;
    }
    expect(delays(run(exits))).toEqual(expected);
  });

  it('starts again at 1 s after a run that stayed up a minute', () => {
    expect(delays(run([[0, 100], [1100, 1200], [3200, 3200 + 60_000], [64_200, 64_300]]))).toEqual([1000, 2000, 1000, 2000]);
  });

  it('gives up on the 11th exit within 10 minutes, with the reason', () => {
    const exits: [number, number][] = Array.from({ length: 11 }, (_, i) => [i * 40_000, i * 40_000 + 10]);
    const ds = run(exits);
    expect(ds.slice(0, 10).every((d) => d.action === 'restart')).toBe(true);
    expect(ds[10]).toEqual({ action: 'give-up', reason: 'exited 11 times within 10 minutes' });
  });

  it('forgets exits older than the window', () => {
    // 11 exits, one a minute and a half apart: never more than 7 inside any 10 minutes.
    const exits: [number, number][] = Array.from({ length: 11 }, (_, i) => [i * 90_000, i * 90_000 + 10]);
    const ds = run(exits);
    expect(ds.every((d) => d.action === 'restart')).toBe(true);
    expect(ds.map((d) => (d.action === 'restart' ? d.restartsInWindow : -1))).toEqual([1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7]);
  });

  it('takes a stricter policy', () => {
    const p = { ...DEFAULT_RESTART_POLICY, maxRestarts: 1, windowMs: 60_000 };
    expect(run([[0, 10], [1010, 1020]], p).map((d) => d.action)).toEqual(['restart', 'give-up']);
  });
});
