// Operators find cases in the Temporal UI by custom search attributes: set by the API when
// it starts the case, kept current by the workflow on every transition (dev server, real worker).
import request from 'supertest';
import { CaseCategoryKey, CaseGridKey, CaseLevelKey, CaseOverdueKey, CaseStatusKey, CaseStreetKey } from '../../workflows/searchAttributes';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(60_000);

let h: ApiHarness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

it('a case carries status, street, grid, category, level and overdue from its start, and they follow it', async () => {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', await h.bearer('REPORTER'))
    .send({ channel: 'HOTLINE', categoryCode: 'CG-001', location: { gridId: 'GL-S01-C01-G01' }, description: '占道经营', reporter: { name: '李' } });
  expect(res.status).toBe(201);
  const code = res.body.code as string;
  const handle = h.client.workflow.getHandle(code);

  const started = await handle.describe();
  expect(started.typedSearchAttributes.get(CaseStatusKey)).toBe('REPORTED');
  expect(started.typedSearchAttributes.get(CaseLevelKey)).toBe('GRID');
  expect(started.typedSearchAttributes.get(CaseOverdueKey)).toBe(false);
  expect(started.typedSearchAttributes.get(CaseStreetKey)).toBe('GL-S01');
  expect(started.typedSearchAttributes.get(CaseGridKey)).toBe('GL-S01-C01-G01');
  expect(started.typedSearchAttributes.get(CaseCategoryKey)).toBe('CG-001');

  await eventually(() => h.db.case.findUnique({ where: { code } }), 15_000, 'the case row');
  expect((await handle.describe()).typedSearchAttributes.get(CaseStatusKey)).toBe('REPORTED');

  const grid = await h.bearer('GRID_WORKER', 'GL-S01-C01-G01');
  expect((await request(h.app).post(`/cases/${code}/accept`).set('Authorization', grid).send({})).status).toBe(200);
  // The grid whistles to its community (the default ladder, 层层).
  expect((await request(h.app).post(`/cases/${code}/whistle`).set('Authorization', grid).send({ reason: '需要社区协调' })).status).toBe(200);
  const moved = await eventually(async () => {
    const d = await handle.describe();
    return d.typedSearchAttributes.get(CaseLevelKey) === 'COMMUNITY' ? d : null;
  }, 15_000, 'CaseLevel to follow the whistle');
  expect(moved.typedSearchAttributes.get(CaseStatusKey)).toBe('ACCEPTED');
  expect(moved.typedSearchAttributes.get(CaseStreetKey)).toBe('GL-S01');

  // Visibility is eventually consistent: the list query finds it once indexed.
  await eventually(async () => {
    for await (const wf of h.client.workflow.list({ query: `WorkflowId = "${code}" AND CaseStatus = "ACCEPTED" AND CaseLevel = "COMMUNITY"` })) {
      if (wf.workflowId === code) return true;
    }
    return false;
  }, 15_000, 'the list query to find the case');
});
