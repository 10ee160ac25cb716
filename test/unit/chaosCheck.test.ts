// The chaos run's judge (bench/chaosCheck.ts) must see each kind of loss: a case that climbed
// correctly passes, and one defect at a time (an event twice, a seq gap, a lapse that never
// fired, an acknowledged accept lost, a notification lost or sent twice) is counted as such.
import {
  checkCase,
  checkOutbox,
  exposed,
  honouringReceiver,
  firstProgressAfter,
  ladderOfAcceptLapses,
  noLoss,
  sumDefects,
  type CaseRun,
  type Model,
  type ObservedEvent,
} from '../../bench/chaosCheck';
import { loadConfig } from '../../config/env';
import { defaultPacing } from '../../domain/pacing';
import type { Level } from '../../domain/types';

const LADDER = ['GRID', 'STREET', 'COMMAND_CENTER'];
const T0 = Date.UTC(2026, 10, 23, 2, 0, 0); // a pinned instant
const SPAN = 15_000;
const model: Model = { ladder: LADDER, listedAtTop: true, acceptMs: SPAN, checkedAt: T0 + 10 * SPAN, graceMs: 5000, raceToleranceMs: 20_000 };

/** The events of a case nobody accepts, as the machine records them: GRID → STREET → COMMAND_CENTER (top). */
function climbed(): ObservedEvent[] {
  const d1 = T0 + SPAN;
  const facts: Array<Omit<ObservedEvent, 'seq'>> = [
    { type: 'REPORTED', at: T0, data: { windows: [{ kind: 'ACCEPT', dueAt: d1 }] } },
    { type: 'BREACHED', at: d1 + 40, data: { kind: 'ACCEPT', dueAt: d1, escalatedTo: 'STREET' } },
    { type: 'ESCALATED', at: d1 + 40, data: { from: 'GRID', to: 'STREET' } },
    { type: 'BREACHED', at: d1 + SPAN + 30, data: { kind: 'ACCEPT', dueAt: d1 + SPAN, escalatedTo: 'COMMAND_CENTER' } },
    { type: 'ESCALATED', at: d1 + SPAN + 30, data: { from: 'STREET', to: 'COMMAND_CENTER' } },
    { type: 'LEADER_LISTED', at: d1 + SPAN + 30, data: {} },
    { type: 'BREACHED', at: d1 + 2 * SPAN + 20, data: { kind: 'ACCEPT', dueAt: d1 + 2 * SPAN, escalatedTo: null } },
  ];
  return facts.map((f, i) => ({ ...f, seq: i + 1 }));
}

/** Accepted after the first lapse. */
function acceptedAfterOneLapse(): ObservedEvent[] {
  const e = climbed().slice(0, 3);
  return [...e, { seq: 4, type: 'ACCEPTED', at: T0 + SPAN + 5000, data: { note: null } }];
}

const run = (events: ObservedEvent[], accept: CaseRun['accept'] = 'none'): CaseRun => ({ code: 'GL-20261123-000001', accept, events });
const renumber = (events: ObservedEvent[]) => events.map((e, i) => ({ ...e, seq: i + 1 }));

describe('checkCase', () => {
  it('passes a case that climbed the whole ladder, and one accepted after a lapse', () => {
    const a = checkCase(run(climbed()), model);
    const b = checkCase(run(acceptedAfterOneLapse(), 'acknowledged'), model);
    expect(noLoss(sumDefects([a, b], 0))).toBe(true);
    expect([...a.notes, ...b.notes]).toEqual([]);
  });

  it('counts an event recorded twice (its copy under a later seq)', () => {
    const events = climbed();
    const copy = { ...events[2], seq: events.length + 1 };
    const d = checkCase(run([...events, copy]), model);
    expect(d.duplicated).toBe(1);
    expect(d.seqGaps).toBe(0);
  });

  it('counts a gap in seq', () => {
    const events = climbed().filter((e) => e.seq !== 3);
    const d = checkCase(run(events), model);
    expect(d.seqGaps).toBe(1);
    expect(d.eventsMissing).toBe(1); // the escalation that seq held
  });

  it('counts a lapse that never fired, and nothing after it is expected', () => {
    const events = renumber(climbed().slice(0, 3)); // stopped at STREET: the second lapse never fired
    const d = checkCase(run(events), model);
    expect(d.timersNeverFired).toBe(1);
    expect(d.seqGaps).toBe(0);
    expect(d.duplicated).toBe(0);
    expect(noLoss(sumDefects([d], 0))).toBe(false);
  });

  it('does not expect a lapse not yet due when the events were read', () => {
    const early: Model = { ...model, checkedAt: T0 + 2 * SPAN + 1000 };
    const d = checkCase(run(renumber(climbed().slice(0, 3))), early);
    expect(d.timersNeverFired).toBe(0);
  });

  it('counts an acknowledged accept with no ACCEPTED fact, and a lapse after an accept', () => {
    const lost = checkCase(run(climbed(), 'acknowledged'), model);
    expect(lost.eventsMissing).toBe(1);
    const events = acceptedAfterOneLapse();
    const after = { seq: 5, type: 'BREACHED', at: T0 + 2 * SPAN + 10, data: { kind: 'ACCEPT', dueAt: T0 + 2 * SPAN, escalatedTo: 'COMMAND_CENTER' } };
    expect(checkCase(run([...events, after], 'acknowledged'), model).unexpected).toBe(1);
  });

  it('counts a lapse missing before a late accept beyond the race tolerance', () => {
    const events: ObservedEvent[] = [
      climbed()[0],
      { seq: 2, type: 'ACCEPTED', at: T0 + SPAN + model.raceToleranceMs + 1, data: { note: null } },
    ];
    expect(checkCase(run(events, 'unknown'), model).timersNeverFired).toBe(1);
    const raced = [events[0], { ...events[1], at: T0 + SPAN + 100 }];
    expect(checkCase(run(raced, 'unknown'), model).timersNeverFired).toBe(0);
  });

  it('sees facts out of order', () => {
    const events = climbed();
    const swapped = events.map((e) => (e.seq === 2 ? { ...e, seq: 3 } : e.seq === 3 ? { ...e, seq: 2 } : e));
    expect(checkCase(run(swapped), model).outOfOrder).toBe(true);
  });
});

describe('checkOutbox', () => {
  const c = run(climbed());
  const rows = c.events
    .filter((e) => e.type === 'ESCALATED' || e.type === 'LEADER_LISTED')
    .map((e) => ({ id: `${c.code}:${e.seq}:0`, caseCode: c.code, seq: e.seq, state: 'DELIVERED' }));

  it('passes rows delivered once each', () => {
    const got = new Map(rows.map((r) => [r.id, 1]));
    expect(checkOutbox([c], rows, got)).toEqual({ rowsMissing: 0, lost: 0, sentTwice: 0, notes: [] });
  });

  it('counts a row missing, a row never received and a row received twice', () => {
    const got = new Map(rows.map((r) => [r.id, 1]));
    got.delete(rows[0].id);
    got.set(rows[1].id, 2);
    const d = checkOutbox([c], rows.slice(0, -1), got);
    expect(d.rowsMissing).toBe(1);
    expect(d.lost).toBe(1);
    expect(d.sentTwice).toBe(1);
  });
});

describe('honouringReceiver', () => {
  const a = JSON.stringify({ caseCode: 'GL-1', kind: 'ESCALATED', at: '2026-11-23T02:00:15.040Z', recipientId: 'p1' });
  const b = JSON.stringify({ caseCode: 'GL-1', kind: 'ESCALATED', at: '2026-11-23T02:00:30.030Z', recipientId: 'p2' });

  it('applies a resend under the same id once: a redelivery, not a notification received twice', () => {
    const f = honouringReceiver([
      { id: 'GL-1:2:0', content: a },
      { id: 'GL-1:2:0', content: a },
      { id: 'GL-1:4:0', content: b },
    ]);
    expect(f).toEqual({ requests: 3, redeliveriesDropped: 1, distinctIdsForOneNotification: 0, appliedTwice: 0, notes: [] });
  });

  it('counts one notification sent under two ids as applied twice', () => {
    const f = honouringReceiver([
      { id: 'GL-1:2:0', content: a },
      { id: 'GL-1:2:0-again', content: a },
      { id: 'GL-1:4:0', content: b },
    ]);
    expect(f.distinctIdsForOneNotification).toBe(1);
    expect(f.appliedTwice).toBe(1);
    expect(f.redeliveriesDropped).toBe(0);
  });

  it('cannot dedupe requests without an id', () => {
    const f = honouringReceiver([
      { id: '', content: a },
      { id: '', content: a },
    ]);
    expect(f.appliedTwice).toBe(1);
  });
});

describe('recovery and exposure', () => {
  it('finds the first new event after an instant', () => {
    const samples = [
      { at: 1000, maxEventId: 5 },
      { at: 1200, maxEventId: 5 },
      { at: 1400, maxEventId: 5 },
      { at: 1600, maxEventId: 7 },
    ];
    expect(firstProgressAfter(samples, 1100)).toBe(1600);
    expect(firstProgressAfter(samples, 1600)).toBeNull();
  });

  it('exposes a case alive during the fault or its settling time', () => {
    const f = { kind: 'worker-kill', at: 10_000, backAt: 12_000 };
    expect(exposed(0, 9_999, f, 5000)).toBe(false);
    expect(exposed(0, 10_000, f, 5000)).toBe(true);
    expect(exposed(17_000, 30_000, f, 5000)).toBe(true);
    expect(exposed(17_001, 30_000, f, 5000)).toBe(false);
  });
});

describe('the pacing rules in the model', () => {
  const FULL: Level[] = ['GRID', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];

  it('an unaccepted case climbs to the command center and is held there; without pacing, to the leaders', () => {
    expect(ladderOfAcceptLapses(FULL, defaultPacing())).toEqual({ ladder: ['GRID', 'STREET', 'COMMAND_CENTER'], listedAtTop: false });
    expect(ladderOfAcceptLapses(FULL, undefined)).toEqual({ ladder: FULL, listedAtTop: true });
  });

  it('on the default ladder (LADDER names the community, as every seed grid keeps it) an unaccepted case climbs grid → community → street → command center', () => {
    expect(ladderOfAcceptLapses(loadConfig({}).LADDER as Level[], defaultPacing())).toEqual({ ladder: ['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER'], listedAtTop: false });
  });

  it('a paced case held by the duty desk passes; the same case listed for the leaders is unexpected', () => {
    const paced: Model = { ...model, listedAtTop: false };
    const held = renumber(climbed().filter((e) => e.type !== 'LEADER_LISTED'));
    expect(checkCase(run(held), paced).notes).toEqual([]);
    const d = checkCase(run(climbed()), paced);
    expect(d.unexpected).toBe(1);
    expect(d.notes).toEqual(['unexpected: LEADER_LISTED']);
    // And the unpaced model misses the list on the held case.
    expect(checkCase(run(held), model).eventsMissing).toBe(1);
  });
});
