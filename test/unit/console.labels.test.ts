// Every fact type the case machine records has a label in the console, in Chinese and English
// (console/src/eventLabels.ts): a new fact (a leader's tick-off, an urge, a notice) never shows raw.
import { EVENT_LABELS } from '../../console/src/eventLabels';
import { FACT_TYPES } from '../../domain/facts';

describe('console event labels', () => {
  it('label every fact type in zh-CN and en', () => {
    expect(FACT_TYPES.filter((t) => !EVENT_LABELS[t]?.zh || !EVENT_LABELS[t]?.en)).toEqual([]);
  });

  it("name the leaders' lists and supervision as the seeds do", () => {
    expect(EVENT_LABELS.LEADER_TICKED_OFF.zh).toBe('对单销号');
    expect(EVENT_LABELS.URGED.zh).toBe('催办');
    expect(EVENT_LABELS.URGE_NOTICED.zh).toBe('通报');
  });
});
