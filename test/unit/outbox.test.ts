// The outbox's pure parts: the retry schedule, the fate of a row after an attempt, and the
// delivery signature a receiver verifies.
import { afterAttempt, retryDelayMs } from '../../domain/outbox';
import { signBody, signatureOf, verifySignature } from '../../features/outbox/signature';
import { loadConfig } from '../../config/env';

describe('retry schedule', () => {
  const s = { maxAttempts: 5, baseMs: 10_000, maxMs: 60_000 };

  it('waits base, then doubles per failed attempt, capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, s))).toEqual([10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    expect(retryDelayMs(10_000, s)).toBe(60_000);
  });

  it('delivered to all: DELIVERED; else retry until the last attempt, then DEAD', () => {
    expect(afterAttempt(1, true, s)).toEqual({ state: 'DELIVERED' });
    expect(afterAttempt(5, true, s)).toEqual({ state: 'DELIVERED' });
    expect(afterAttempt(1, false, s)).toEqual({ state: 'PENDING', retryInMs: 10_000 });
    expect(afterAttempt(4, false, s)).toEqual({ state: 'PENDING', retryInMs: 60_000 });
    expect(afterAttempt(5, false, s)).toEqual({ state: 'DEAD' });
    expect(afterAttempt(1, false, { ...s, maxAttempts: 1 })).toEqual({ state: 'DEAD' });
  });
});

describe('delivery signature', () => {
  const secret = 'a-webhook-secret-of-some-length';
  const body = '{"id":"GL-1:1:0","kind":"CASE_ASSIGNED"}';
  const t = 1_790_000_000;

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const header = signBody(secret, body, t);
    expect(header).toMatch(/^t=1790000000,v1=[0-9a-f]{64}$/);
    // The documented recipe, spelled out with node:crypto.
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    expect(header.split('v1=')[1]).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
    expect(signatureOf(secret, t, body)).toBe(header.split('v1=')[1]);
  });

  it('verifies the body as sent, within the tolerance', () => {
    const header = signBody(secret, body, t);
    expect(verifySignature(secret, header, body, t + 10)).toEqual({ ok: true, t });
    expect(verifySignature(secret, header, `${body} `, t)).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(verifySignature('another-secret-of-some-length', header, body, t)).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(verifySignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, t)).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(verifySignature(secret, header, body, t + 301)).toEqual({ ok: false, reason: 'STALE' });
    expect(verifySignature(secret, undefined, body, t)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifySignature(secret, 'v1=abc', body, t)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('accepts any of several v1 values (a receiver rotating keys)', () => {
    const header = `t=${t},v1=${'0'.repeat(64)},v1=${signatureOf(secret, t, body)}`;
    expect(verifySignature(secret, header, body, t).ok).toBe(true);
  });
});

describe('outbox configuration', () => {
  it('requires NOTIFY_WEBHOOK_SECRET in production when webhooks are configured', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) } as const;
    expect(() => loadConfig({ ...prod, NOTIFY_WEBHOOKS: 'https://hooks.example/a' })).toThrow(/NOTIFY_WEBHOOK_SECRET: required in production/);
    expect(loadConfig({ ...prod, NOTIFY_WEBHOOKS: 'https://hooks.example/a', NOTIFY_WEBHOOK_SECRET: 's'.repeat(32) }).NOTIFY_MAX_ATTEMPTS).toBe(8);
    expect(() => loadConfig({ ...prod })).not.toThrow();
    expect(() => loadConfig({ NOTIFY_WEBHOOKS: 'http://127.0.0.1:9/hook' })).not.toThrow();
  });
});
