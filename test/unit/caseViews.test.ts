// caseRecordView: the reporter fields and the record's free text as each caller sees them —
// in full for the unit holding the case, masked (fields and numbers in the description alike)
// for everyone else, untouched once anonymised.
import { caseRecordView } from '../../api/caseViews';
import type { Caller } from '../../domain/access';

const row = {
  code: 'GL-20261203-000001',
  districtId: 'GL',
  streetId: 'GL-S01',
  communityId: 'GL-S01-C01',
  gridId: 'GL-S01-C01-G01',
  level: 'GRID',
  status: 'ACCEPTED',
  anonymisedAt: null,
  reporterName: '王建国',
  reporterPhone: '13812345678',
  reporterEmail: null,
  description: '王建国反映楼道堆物，请回电 138-1234-5678，物业 0591-87654321',
  address: '鼓楼路 1 号',
};
const grid: Caller = { personId: 'p-g', role: 'GRID_WORKER', unitId: 'GL-S01-C01-G01' };
const officer: Caller = { personId: 'p-o', role: 'DEPARTMENT_OFFICER', unitId: 'GL-D-CG' };

it('the grid holding the case sees the record as it is', () => {
  expect(caseRecordView(grid, row)).toEqual({ ...row, reporterView: 'FULL' });
});

it('a masked view masks the numbers and the name in the description too', () => {
  expect(caseRecordView(officer, row)).toEqual({
    ...row,
    reporterName: '王**',
    reporterPhone: '138****5678',
    description: '王**反映楼道堆物，请回电 138****5678，物业 059*****4321',
    reporterView: 'MASKED',
  });
});

it('an anonymised row is shown as it is (the retention run already erased it)', () => {
  const erased = { ...row, anonymisedAt: new Date('2029-12-01T00:00:00Z'), reporterName: '(anonymised)', reporterPhone: '(anonymised)', description: '(anonymised)反映楼道堆物' };
  expect(caseRecordView(officer, erased)).toEqual({ ...erased, reporterView: 'ANONYMISED' });
});
