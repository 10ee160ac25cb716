// devstack/supervisor.ts with a real child process (node, no servers): a tiny script that exits
// twice and then stays up is restarted twice; stop() ends it without a restart; a child that
// always exits makes the supervisor give up. The policy is pinned to 10 ms delays, and nothing
// asserts on how long anything took.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnManaged, type ManagedProcess } from '../../devstack/processes';
import { supervise } from '../../devstack/supervisor';

jest.setTimeout(30_000);

// Counts its runs in a file; exits with code 3 on the first `failures` runs, then stays up.
const SCRIPT = `
  const fs = require('node:fs');
  const [file, failures] = process.argv.slice(1);
  let n = 0; try { n = Number(fs.readFileSync(file, 'utf8')); } catch {}
  fs.writeFileSync(file, String(n + 1));
  if (n < Number(failures)) process.exit(3);
  setInterval(() => {}, 1000);`;

const FAST = { initialDelayMs: 10, maxDelayMs: 20, resetAfterMs: 60_000, maxRestarts: 5, windowMs: 60_000 };

describe('supervise (real child processes)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coe-supervise-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function child(name: string, failures: number) {
    const counter = path.join(dir, `${name}.count`);
    const spawned: ManagedProcess[] = [];
    const logs: string[] = [];
    const gaveUp: string[] = [];
    const sup = supervise({
      name,
      policy: FAST,
      start: async (onSpawn) => {
        const proc = spawnManaged(name, process.execPath, ['-e', SCRIPT, counter, String(failures)]);
        onSpawn(proc);
        return proc;
      },
      onSpawn: (p) => spawned.push(p),
      onGiveUp: (r) => gaveUp.push(r),
      log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) },
    });
    const runs = () => {
      try {
        return Number(readFileSync(counter, 'utf8'));
      } catch {
        return 0;
      }
    };
    return { sup, spawned, logs, gaveUp, runs };
  }

  async function until(what: string, cond: () => boolean): Promise<void> {
    for (let i = 0; i < 2000 && !cond(); i += 1) await new Promise((r) => setTimeout(r, 10));
    if (!cond()) throw new Error(`timed out waiting for ${what}`);
  }

  it('restarts a child that exits, and stop() ends it without restarting', async () => {
    const c = child('flaky', 2);
    await c.sup.started;
    await until('the third run', () => c.runs() === 3 && c.sup.restarts === 2);
    expect(c.spawned).toHaveLength(3);
    expect(c.spawned.slice(0, 2).every((p) => !p.running)).toBe(true);
    expect(c.sup.current).toBe(c.spawned[2]);
    expect(c.logs.filter((l) => /exited unexpectedly \(code 3\)/.test(l))).toHaveLength(2);
    expect(c.logs.filter((l) => /restarted \(restart \d\)/.test(l))).toHaveLength(2);

    await c.sup.stop(5000);
    expect(c.sup.current!.running).toBe(false);
    // Stopped on purpose: no further run, no give-up.
    await new Promise((r) => setTimeout(r, 100));
    expect(c.runs()).toBe(3);
    expect(c.spawned).toHaveLength(3);
    expect(c.gaveUp).toEqual([]);
  });

  it('gives up on a child that always exits', async () => {
    const c = child('broken', 1000);
    await c.sup.done;
    // maxRestarts 5: the 6th exit within the window gives up.
    expect(c.runs()).toBe(6);
    expect(c.gaveUp).toEqual([expect.stringMatching(/^broken exited 6 times within 1 minute \(last: code 3\); not restarting it$/)]);
  });
});
