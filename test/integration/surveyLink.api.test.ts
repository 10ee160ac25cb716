// One-time survey links end to end: the run's Temporal dev server and database, a real case
// worker (the API harness), cases driven to CLOSED through the case API, and the survey
// router mounted the way the app should mount it (before authentication; its protected
// route authenticates itself).
import express, { type Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { errorHandler, notFoundHandler } from '../../api/errors';
import { createSurveyRouter } from '../../api/routes/survey';
import { signSurveyToken } from '../../features/surveys/surveyLinks';
import { residentActorId } from '../../workflows/caseMachine';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const STREET = 'GL-S01';

let h: ApiHarness;
let survey: Express;
let reporter: string;
let grid: string;
let street: string;
let cc: string;

beforeAll(async () => {
  h = await startHarness();
  reporter = await h.bearer('REPORTER');
  grid = await h.bearer('GRID_WORKER', GRID);
  street = await h.bearer('STREET_DISPATCHER', STREET);
  cc = await h.bearer('COMMAND_CENTER');
  const logger = pino({ level: 'silent' });
  survey = express();
  survey.use(express.json());
  survey.use(createSurveyRouter({ db: h.db, temporal: h.client, cfg: h.cfg, logger }));
  survey.use(notFoundHandler);
  survey.use(errorHandler(logger));
});

afterAll(async () => {
  await h?.close();
});

const act = async (code: string, path: string, auth: string, body: object = {}) => {
  const res = await request(h.app).post(`/cases/${code}/${path}`).set('Authorization', auth).send(body);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** Report a case and take it to CLOSED (awaiting its survey); returns its code. */
async function closedCase(summary = '已联系物业清运完毕'): Promise<string> {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '垃圾堆积多日无人清运' });
  expect(res.status).toBe(201);
  const code: string = res.body.code;
  await act(code, 'accept', grid);
  await act(code, 'respond', grid, { decision: 'SELF' });
  await act(code, 'result', grid, { summary });
  const closed = await act(code, 'review', street, { decision: 'CLOSE', reason: '现场核实已清理' });
  expect(closed.status).toBe('CLOSED');
  await eventually(async () => (await h.db.case.findUnique({ where: { code } }))?.status === 'CLOSED', 15_000, 'CLOSED projection');
  return code;
}

const issue = (code: string, auth?: string) => {
  const r = request(survey).post(`/cases/${code}/survey-link`);
  return auth ? r.set('Authorization', auth) : r;
};
const answer = (token: string, body: object) => request(survey).post(`/survey/${token}`).send(body);

describe('issuing a link', () => {
  it('is for the command center, for a case closed and awaiting its survey', async () => {
    const res = await request(h.app)
      .post('/cases')
      .set('Authorization', reporter)
      .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '垃圾桶满溢' });
    const open: string = res.body.code;
    await eventually(async () => (await h.db.case.findUnique({ where: { code: open } })) !== null, 15_000, 'case row');
    expect((await issue(open)).status).toBe(401);
    expect((await issue(open, grid)).status).toBe(403);
    expect((await issue(open, street)).status).toBe(403);
    const notYet = await issue(open, cc);
    expect(notYet.status).toBe(409);
    expect(notYet.body.error.code).toBe('NOT_AWAITING_SURVEY');
    expect((await issue(`${h.cfg.CASE_CODE_PREFIX}-20200101-999999`, cc)).status).toBe(404);
    expect((await issue('nonsense', cc)).status).toBe(400);
  });
});

describe('answering through the link', () => {
  it('shows the case, records the answer as the resident, and refuses a second use', async () => {
    const code = await closedCase('已联系物业清运完毕，现场已清洁');
    const issued = await issue(code, cc);
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ code, path: `/survey/${issued.body.token}` });
    const expiresIn = Date.parse(issued.body.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(7 * 24 * 3600_000);
    const { token } = issued.body;

    // Public: no credentials.
    const view = await request(survey).get(`/survey/${token}`);
    expect(view.status).toBe(200);
    expect(view.headers['cache-control']).toBe('no-store');
    expect(view.body).toMatchObject({ code, categoryCode: 'CG-002', categoryName: '垃圾堆积未清运', closingSummary: '已联系物业清运完毕，现场已清洁', awaitingSurvey: true });

    const bad = await answer(token, { satisfaction: 'VERY', solved: 'yes', channel: 'PHONE' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.channel', 'body.satisfaction', 'body.solved']);

    const ok = await answer(token, { satisfaction: 'SATISFIED', solved: true, comment: '处理很及时' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ code, status: 'SURVEYED', reopened: false });

    const again = await answer(token, { satisfaction: 'UNSATISFIED', solved: false });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('SURVEY_LINK_USED');
    expect((await request(survey).get(`/survey/${token}`)).status).toBe(410);

    const recorded = await eventually(
      async () => h.db.caseEvent.findFirst({ where: { caseCode: code, type: 'SURVEY_RECORDED' } }),
      15_000,
      'SURVEY_RECORDED event',
    );
    expect(recorded).toMatchObject({ actorId: residentActorId(code), actorRole: 'REPORTER', unitId: 'GL' });
    expect(recorded.data).toMatchObject({ satisfaction: 'SATISFIED', solved: true, channel: 'LINK', comment: '处理很及时' });
    expect(await h.db.surveyLinkUse.count({ where: { caseCode: code } })).toBe(1);
  });

  it('two answers racing on one link: exactly one is recorded', async () => {
    const code = await closedCase();
    const { token } = (await issue(code, cc)).body;
    const results = await Promise.all([
      answer(token, { satisfaction: 'SATISFIED', solved: true }),
      answer(token, { satisfaction: 'UNSATISFIED', solved: false }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    await eventually(async () => (await h.db.caseEvent.count({ where: { caseCode: code, type: 'SURVEY_RECORDED' } })) === 1, 15_000, 'one survey');
  });

  it('an unsatisfied answer reopens the case', async () => {
    const code = await closedCase();
    const { token } = (await issue(code, cc)).body;
    const res = await answer(token, { satisfaction: 'UNSATISFIED', solved: false, comment: '垃圾又堆起来了' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'IN_PROGRESS', reopened: true });
    await eventually(async () => (await h.db.caseEvent.count({ where: { caseCode: code, type: 'REOPENED' } })) === 1, 15_000, 'REOPENED');
  });

  it('a refused answer leaves nothing behind: the link still works once the case awaits a survey again', async () => {
    const code = await closedCase();
    const { token, jti } = (await issue(code, cc)).body;
    // The command center reaches the resident by phone first; the answer reopens the case.
    await act(code, 'survey', cc, { satisfaction: 'UNSATISFIED', solved: false, channel: 'PHONE' });
    const refused = await answer(token, { satisfaction: 'SATISFIED', solved: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INVALID_TRANSITION');
    expect(await h.db.surveyLinkUse.findUnique({ where: { jti } })).toBeNull();
    // Handled again and closed again: the unused link is accepted now.
    await act(code, 'result', grid, { summary: '再次清运并加装围挡' });
    await act(code, 'review', street, { decision: 'CLOSE', reason: '复核已清理' });
    const ok = await answer(token, { satisfaction: 'BASICALLY_SATISFIED', solved: true });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('SURVEYED');
    expect(await h.db.surveyLinkUse.findUnique({ where: { jti } })).not.toBeNull();
  });

  it('after the case has ended another way, the link is refused and not consumed', async () => {
    const code = await closedCase();
    const { token, jti } = (await issue(code, cc)).body;
    await act(code, 'survey', cc, { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
    const refused = await answer(token, { satisfaction: 'SATISFIED', solved: true });
    expect(refused.status).toBe(409);
    expect(await h.db.surveyLinkUse.findUnique({ where: { jti } })).toBeNull();
    expect((await issue(code, cc)).status).toBe(409);
  });

  it('refuses expired, forged and unknown links', async () => {
    const code = await closedCase();
    const expired = await signSurveyToken(h.cfg, code, { now: Date.now() - 3 * 3600_000, ttlHours: 1 });
    const gone = await answer(expired.token, { satisfaction: 'SATISFIED', solved: true });
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('SURVEY_LINK_EXPIRED');
    expect((await request(survey).get(`/survey/${expired.token}`)).status).toBe(410);
    const forged = await signSurveyToken({ ...h.cfg, JWT_SECRET: 'z'.repeat(40) }, code);
    expect((await answer(forged.token, { satisfaction: 'SATISFIED', solved: true })).status).toBe(404);
    expect((await request(survey).get('/survey/this-is-not-a-valid-token-at-all')).status).toBe(404);
    const unknownCase = await signSurveyToken(h.cfg, `${h.cfg.CASE_CODE_PREFIX}-20200101-999999`);
    expect((await request(survey).get(`/survey/${unknownCase.token}`)).status).toBe(404);
    expect(await h.db.surveyLinkUse.count({ where: { caseCode: code } })).toBe(0);
  });
});
