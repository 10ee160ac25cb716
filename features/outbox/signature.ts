// The signatures on every webhook delivery, so a receiver knows the notification came from us
// and was not replayed later. Two schemes, the same secret:
//  - Standard Webhooks (https://www.standardwebhooks.com): webhook-id (the notification's stable
//    id, the receiver's idempotency key), webhook-timestamp (unix seconds of this attempt) and
//    webhook-signature: v1,<base64 HMAC-SHA256(key, `${id}.${t}.${body}`)>, which the Standard
//    Webhooks libraries verify. A `whsec_<base64>` secret is base64-decoded into the key, as the
//    spec serializes it; any other secret is used as its UTF-8 bytes (the libraries' raw format).
//  - the first outbox's X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${body}`)>,
//    kept for receivers written against it.
// The timestamp is inside the MAC, so a captured request cannot be re-sent with a fresh time;
// the receiver rejects a t too far from its clock (default 5 minutes) and dedupes on the id.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';
export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** HMAC-SHA256 over `${t}.${body}`, hex. */
export function signatureOf(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/** The X-Signature header value for `body` sent at unix time `t` (seconds). */
export function signBody(secret: string, body: string, t: number): string {
  return `t=${t},v1=${signatureOf(secret, t, body)}`;
}

export type SignatureCheck = { ok: true; t: number } | { ok: false; reason: 'MALFORMED' | 'MISMATCH' | 'STALE' };

/**
 * What a receiver does (a reference implementation, also used by the tests): parse the header,
 * recompute the MAC over the raw body exactly as received, compare in constant time, and check
 * the timestamp is within `toleranceS` of `nowS`. Several v1= values are accepted (key rotation).
 */
export function verifySignature(secret: string, header: string | undefined, body: string, nowS: number, toleranceS = 300): SignatureCheck {
  if (!header) return { ok: false, reason: 'MALFORMED' };
  let t: number | undefined;
  const macs: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && /^\d+$/.test(v ?? '')) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '')) macs.push(v);
  }
  if (t === undefined || macs.length === 0) return { ok: false, reason: 'MALFORMED' };
  const expected = Buffer.from(signatureOf(secret, t, body), 'hex');
  if (!macs.some((m) => timingSafeEqual(Buffer.from(m, 'hex'), expected))) return { ok: false, reason: 'MISMATCH' };
  if (Math.abs(nowS - t) > toleranceS) return { ok: false, reason: 'STALE' };
  return { ok: true, t };
}

// ───────────────────────── Standard Webhooks ─────────────────────────

/** The HMAC key of a secret: `whsec_<base64>` decoded (the spec's form), else its UTF-8 bytes. */
export function standardWebhookKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** The webhook-signature value for a delivery with id `id` sent at unix time `t` (seconds). */
export function standardSignature(secret: string, id: string, t: number, body: string): string {
  return `v1,${createHmac('sha256', standardWebhookKey(secret)).update(`${id}.${t}.${body}`).digest('base64')}`;
}

/** The three Standard Webhooks headers of one attempt (lower-case names, as HTTP/2 and Node report them). */
export function standardWebhookHeaders(secret: string, id: string, t: number, body: string): Record<string, string> {
  return { [WEBHOOK_ID_HEADER]: id, [WEBHOOK_TIMESTAMP_HEADER]: String(t), [WEBHOOK_SIGNATURE_HEADER]: standardSignature(secret, id, t, body) };
}

export type StandardCheck = { ok: true; id: string; t: number } | { ok: false; reason: 'MALFORMED' | 'MISMATCH' | 'STALE' };

/**
 * What a receiver does (reference implementation, used by the tests and the chaos run's
 * receiver): all three headers present, the MAC over `${id}.${t}.${raw body}` matches one of the
 * space-separated `v1,` signatures (constant time), and t is within `toleranceS` of `nowS`.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: { id?: string; timestamp?: string; signature?: string },
  body: string,
  nowS: number,
  toleranceS = 300,
): StandardCheck {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'MALFORMED' };
  const t = Number(timestamp);
  const expected = createHmac('sha256', standardWebhookKey(secret)).update(`${id}.${t}.${body}`).digest();
  const given = signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  if (given.length === 0) return { ok: false, reason: 'MALFORMED' };
  if (!given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))) return { ok: false, reason: 'MISMATCH' };
  if (Math.abs(nowS - t) > toleranceS) return { ok: false, reason: 'STALE' };
  return { ok: true, id, t };
}
