// The Standard Webhooks signature (features/outbox/signature): what a receiver using the spec's
// libraries computes, checked against a vector computed here by hand from the spec's recipe.
import { createHmac } from 'node:crypto';
import { standardSignature, standardWebhookHeaders, standardWebhookKey, verifyStandardWebhook } from '../../features/outbox/signature';

const KEY = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'utf8');
const SECRET = `whsec_${KEY.toString('base64')}`;
const ID = 'GL-20261203-000024:1:0';
const T = 1_795_000_000; // a pinned instant (unix seconds)
const BODY = '{"id":"GL-20261203-000024:1:0","caseCode":"GL-20261203-000024","kind":"ESCALATED"}';

describe('Standard Webhooks signature', () => {
  it('signs `${id}.${t}.${body}` with the base64-decoded whsec_ key, as v1,<base64>', () => {
    const expected = createHmac('sha256', KEY).update(`${ID}.${T}.${BODY}`).digest('base64');
    expect(standardSignature(SECRET, ID, T, BODY)).toBe(`v1,${expected}`);
    expect(standardWebhookHeaders(SECRET, ID, T, BODY)).toEqual({ 'webhook-id': ID, 'webhook-timestamp': String(T), 'webhook-signature': `v1,${expected}` });
  });

  it('uses a secret without the whsec_ prefix as its UTF-8 bytes', () => {
    expect(standardWebhookKey('plain-secret')).toEqual(Buffer.from('plain-secret', 'utf8'));
    expect(standardWebhookKey(SECRET)).toEqual(KEY);
  });

  it('verifies: any of several space-separated signatures, within the tolerance', () => {
    const sig = standardSignature(SECRET, ID, T, BODY);
    const headers = { id: ID, timestamp: String(T), signature: `v1,${Buffer.alloc(32).toString('base64')} ${sig}` };
    expect(verifyStandardWebhook(SECRET, headers, BODY, T + 299)).toEqual({ ok: true, id: ID, t: T });
    expect(verifyStandardWebhook(SECRET, headers, BODY, T + 301)).toEqual({ ok: false, reason: 'STALE' });
  });

  it('rejects another body, another id, another secret, and missing headers', () => {
    const signature = standardSignature(SECRET, ID, T, BODY);
    expect(verifyStandardWebhook(SECRET, { id: ID, timestamp: String(T), signature }, `${BODY} `, T).ok).toBe(false);
    // The id is signed: a resend cannot be passed off as another notification.
    expect(verifyStandardWebhook(SECRET, { id: `${ID}x`, timestamp: String(T), signature }, BODY, T)).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(verifyStandardWebhook('whsec_b3RoZXI=', { id: ID, timestamp: String(T), signature }, BODY, T).ok).toBe(false);
    expect(verifyStandardWebhook(SECRET, { id: ID, signature }, BODY, T)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyStandardWebhook(SECRET, { id: ID, timestamp: String(T), signature: 'v2,abc' }, BODY, T)).toEqual({ ok: false, reason: 'MALFORMED' });
  });
});
