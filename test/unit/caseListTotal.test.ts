// GET /cases counts up to a cap (or the end of the page asked for): an exact count of a busy
// district's year costs more than the page (bench:volume). Above it, total is a lower bound.
// Whether more cases follow is read with the page (one row past it), whatever the count says.
import { countLimitOf, listTotal } from '../../api/routes/cases';
import { CASE_LIST_COUNT_CAP } from '../../api/schemas/cases';

describe('case list total', () => {
  it('is exact up to the cap', () => {
    expect(listTotal(45, 40, 20, false)).toEqual({ total: 45, totalIsEstimate: false, hasMore: false });
    expect(listTotal(45, 20, 20, true)).toEqual({ total: 45, totalIsEstimate: false, hasMore: true });
    expect(listTotal(CASE_LIST_COUNT_CAP, 0, 20, true)).toEqual({ total: CASE_LIST_COUNT_CAP, totalIsEstimate: false, hasMore: true });
  });

  it('stops at the cap: a lower bound, with more to come', () => {
    expect(listTotal(CASE_LIST_COUNT_CAP + 1, 0, 20, true)).toEqual({ total: CASE_LIST_COUNT_CAP, totalIsEstimate: true, hasMore: true });
  });

  it('counts at least to the end of a page beyond the cap', () => {
    const skip = CASE_LIST_COUNT_CAP * 2;
    expect(countLimitOf(skip, 50)).toBe(skip + 50);
    expect(listTotal(skip + 30, skip, 50, false)).toEqual({ total: skip + 30, totalIsEstimate: false, hasMore: false });
    expect(listTotal(skip + 51, skip, 50, true)).toEqual({ total: skip + 50, totalIsEstimate: true, hasMore: true });
  });

  it('says more follow from the row past the page, not from the count', () => {
    // The last full page: the count reached its end, no row after it.
    expect(listTotal(40, 20, 20, false)).toEqual({ total: 40, totalIsEstimate: false, hasMore: false });
    // A case arrived between the count and the page: the page sees it.
    expect(listTotal(40, 20, 20, true).hasMore).toBe(true);
  });
});
