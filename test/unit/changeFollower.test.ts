import { FOLLOW_WINDOW, followChanges, type ChangeFollowerDeps } from '../../features/fanout/changeFollower';
import type { AdminChangeRef } from '../../features/fanout/fanOut';

type Row = AdminChangeRef & { id: bigint };

const row = (id: number, entityKind = 'PERSON'): Row => ({ id: BigInt(id), entityKind, entityId: `e${id}`, action: 'DEACTIVATE', unitIds: ['u'], personIds: [`p${id}`] });

/** A change log with the query the follower makes (newest first, at most `take`), and a recording starter. */
function fakes(rows: Row[], startedBefore = new Set<string>()) {
  const handed: string[] = [];
  const deps: ChangeFollowerDeps = {
    db: {
      adminChange: {
        findMany: async (args: { take: number }) => [...rows].sort((a, b) => Number(b.id - a.id)).slice(0, args.take),
      } as unknown as ChangeFollowerDeps['db']['adminChange'],
    },
    start: async (c) => {
      handed.push(String(c.id));
      if (c.entityKind === 'CATEGORY') return null;
      const first = !startedBefore.has(String(c.id));
      startedBefore.add(String(c.id));
      return { workflowId: `fanout:x:${String(c.id)}`, started: first };
    },
  };
  return { deps, handed };
}

describe('followChanges: administrative changes to their fan-outs', () => {
  it('hands every new change over once, oldest first, and skips those already handed over', async () => {
    const rows = [row(1), row(2), row(3)];
    const { deps, handed } = fakes(rows);
    const seen = new Set<string>();
    expect(await followChanges(deps, seen)).toEqual({ handed: 3, started: 3 });
    expect(handed).toEqual(['1', '2', '3']);
    rows.push(row(4, 'CALENDAR_YEAR'), row(5, 'CATEGORY'));
    expect(await followChanges(deps, seen)).toEqual({ handed: 2, started: 1 });
    expect(handed).toEqual(['1', '2', '3', '4', '5']);
    expect(await followChanges(deps, seen)).toEqual({ handed: 0, started: 0 });
  });

  it('after a restart it hands the newest changes over again, and a fan-out already started starts nothing new', async () => {
    const rows = [row(7), row(8)];
    const startedBefore = new Set(['7']);
    const { deps, handed } = fakes(rows, startedBefore);
    expect(await followChanges(deps, new Set())).toEqual({ handed: 2, started: 1 });
    expect(handed).toEqual(['7', '8']);
  });

  it('looks at the newest FOLLOW_WINDOW changes only', async () => {
    const rows = Array.from({ length: FOLLOW_WINDOW + 5 }, (_, i) => row(i + 1));
    const { deps, handed } = fakes(rows);
    await followChanges(deps, new Set());
    expect(handed).toHaveLength(FOLLOW_WINDOW);
    expect(handed[0]).toBe('6');
  });

  it('a failing start is not marked handed over: the next round tries it again', async () => {
    const rows = [row(1), row(2)];
    const { deps } = fakes(rows);
    let fail = true;
    const start = deps.start;
    deps.start = async (c) => {
      if (String(c.id) === '2' && fail) throw new Error('Temporal is restarting');
      return start(c);
    };
    const seen = new Set<string>();
    await expect(followChanges(deps, seen)).rejects.toThrow('Temporal is restarting');
    expect([...seen]).toEqual(['1']);
    fail = false;
    expect(await followChanges(deps, seen)).toEqual({ handed: 1, started: 1 });
  });
});
