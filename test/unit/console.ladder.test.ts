// The case page draws the case's own ladder: a grid without a community climbs straight to its
// street, so the community is not drawn for its cases (console/src/ladder.ts).
import { ALL_LEVELS, ladderSteps } from '../../console/src/ladder';
import { LEVELS } from '../../domain/types';

describe("the case page's ladder", () => {
  it('draws the ladder the case carries and marks its level on it', () => {
    const ladder = ['GRID', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'] as const;
    expect(ladderSteps(ladder, 'STREET')).toEqual({ steps: ladder, current: 1 });
    expect(ladderSteps(ladder, 'GRID').steps).not.toContain('COMMUNITY');
  });

  it('draws every level for a case whose live state has no ladder (an older worker, Temporal unreachable)', () => {
    expect(ladderSteps(undefined, 'COMMUNITY')).toEqual({ steps: ALL_LEVELS, current: 1 });
    expect(ladderSteps([], 'GRID')).toEqual({ steps: ALL_LEVELS, current: 0 });
  });

  it('draws every level when the case stands on a level its ladder lacks, so its place is still marked', () => {
    expect(ladderSteps(['GRID', 'STREET'], 'COMMAND_CENTER')).toEqual({ steps: ALL_LEVELS, current: 3 });
  });

  it("lists the domain's levels in the domain's order", () => {
    expect(ALL_LEVELS).toEqual(LEVELS);
  });
});
