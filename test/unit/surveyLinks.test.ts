// One-time survey link tokens and the closing summary (no database, no Temporal).
import { SignJWT } from 'jose';
import { loadConfig } from '../../config/env';
import { signAccessToken, verifyAccessToken, AuthError } from '../../features/auth/auth';
import { WorkflowNotFoundError } from '@temporalio/common';
import { awaitsSurvey, closingSummary, redeemSurveyLink, signSurveyToken, SurveyLinkError, verifySurveyToken, type SurveyLinkDeps } from '../../features/surveys/surveyLinks';

const cfg = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 's'.repeat(40) });
const code = 'GL-20261122-000123';

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof SurveyLinkError) return err.reason;
    throw err;
  }
}

describe('survey link tokens', () => {
  it('carry the case code, a fresh jti and an expiry SURVEY_LINK_TTL_HOURS ahead (7 days by default)', async () => {
    expect(cfg.SURVEY_LINK_TTL_HOURS).toBe(168);
    const now = Date.parse('2026-11-22T10:00:00Z');
    const a = await signSurveyToken(cfg, code, { now });
    const b = await signSurveyToken(cfg, code, { now });
    expect(a.jti).not.toBe(b.jti);
    expect(a.expiresAt).toBe(now + 7 * 24 * 3600_000);
    expect(await verifySurveyToken(cfg, a.token, { now: now + 1000 })).toEqual({ code, jti: a.jti, expiresAt: a.expiresAt });
  });

  it('the lifetime is configurable', async () => {
    const short = loadConfig({ NODE_ENV: 'test', SURVEY_LINK_TTL_HOURS: '2' });
    const now = Date.parse('2026-11-22T10:00:00Z');
    const t = await signSurveyToken(short, code, { now });
    expect(t.expiresAt).toBe(now + 2 * 3600_000);
    expect(() => loadConfig({ NODE_ENV: 'test', SURVEY_LINK_TTL_HOURS: '0' })).toThrow(/SURVEY_LINK_TTL_HOURS/);
  });

  it('expire', async () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    const t = await signSurveyToken(cfg, code, { now, ttlHours: 1 });
    expect(await kindOf(verifySurveyToken(cfg, t.token, { now: now + 59 * 60_000 }))).toBe('ok');
    expect(await kindOf(verifySurveyToken(cfg, t.token, { now: now + 61 * 60_000 }))).toBe('EXPIRED');
  });

  it('refuse tampering, another secret, another audience and access tokens', async () => {
    const t = await signSurveyToken(cfg, code);
    const [h, p, s] = t.token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), code: 'GL-20261122-000999' })).toString('base64url');
    expect(await kindOf(verifySurveyToken(cfg, `${h}.${forged}.${s}`))).toBe('INVALID');
    expect(await kindOf(verifySurveyToken(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) }), t.token))).toBe('INVALID');
    expect(await kindOf(verifySurveyToken(cfg, 'not-a-token'))).toBe('INVALID');
    // A staff access token (same secret and issuer) is not a survey link…
    const access = await signAccessToken(cfg, { id: 'p-cc', role: 'COMMAND_CENTER', unitId: 'GL', name: '指挥中心' });
    expect(await kindOf(verifySurveyToken(cfg, access))).toBe('INVALID');
    // …and a survey link is not an access token.
    await expect(verifyAccessToken(cfg, t.token)).rejects.toBeInstanceOf(AuthError);
    // A token without a jti is refused even when correctly signed.
    const noJti = await new SignJWT({ code })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(cfg.JWT_ISSUER)
      .setAudience('revisit-survey')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(cfg.JWT_SECRET!));
    expect(await kindOf(verifySurveyToken(cfg, noJti))).toBe('INVALID');
  });
});

describe('closing summary', () => {
  it('is the results of the round that ended in the latest closing', () => {
    const ev = (seq: number, type: string, data: Record<string, unknown> = {}) => ({ seq, type, data });
    expect(closingSummary([])).toBe('');
    expect(closingSummary([ev(1, 'RESULT_SUBMITTED', { summary: '已劝离' })])).toBe('');
    expect(
      closingSummary([
        ev(3, 'RESULT_SUBMITTED', { summary: '第一次处理' }),
        ev(4, 'CLOSED'),
        ev(5, 'REOPENED'),
        ev(6, 'DEPARTMENT_RESULT', { summary: '城管已清理' }),
        ev(7, 'REVIEW_RETURNED'),
        ev(8, 'DEPARTMENT_RESULT', { summary: ' 城管已清理并拍照 ' }),
        ev(9, 'DEPARTMENT_RESULT', { summary: '市场监管已处罚' }),
        ev(10, 'CLOSED'),
      ].reverse()),
    ).toBe('城管已清理并拍照\n市场监管已处罚');
  });

  it('awaitsSurvey: closed with the survey window open', () => {
    const w = (kind: string) => ({ kind }) as never;
    expect(awaitsSurvey({ status: 'CLOSED', windows: [w('SURVEY')] })).toBe(true);
    expect(awaitsSurvey({ status: 'CLOSED', windows: [] })).toBe(false);
    expect(awaitsSurvey({ status: 'SURVEYED', windows: [] })).toBe(false);
    expect(awaitsSurvey({ status: 'IN_PROGRESS', windows: [w('COMPLETION')] })).toBe(false);
  });
});

describe('redeeming a link', () => {
  it('a case workflow that has ended: NOT_AWAITING, and the claim is released', async () => {
    const t = await signSurveyToken(cfg, code);
    const released: unknown[] = [];
    const deps = {
      cfg,
      db: {
        case: { findUnique: async () => ({ districtId: 'D1' }) },
        surveyLinkUse: { create: async () => ({}), deleteMany: async (q: unknown) => released.push(q) },
      },
      temporal: {
        withDeadline: (_at: number, fn: () => Promise<unknown>) => fn(),
        workflow: { getHandle: () => ({ executeUpdate: async () => Promise.reject(new WorkflowNotFoundError('gone', 'case-x', undefined)) }) },
      },
    } as unknown as SurveyLinkDeps;
    const err = await redeemSurveyLink(deps, t.token, { satisfaction: 'SATISFIED', solved: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SurveyLinkError);
    expect(err).toMatchObject({ reason: 'NOT_AWAITING', kind: 'Conflict', code: 'NOT_AWAITING_SURVEY', message: 'this case no longer awaits a survey' });
    expect(released).toEqual([{ where: { jti: t.jti } }]);
  });
});
