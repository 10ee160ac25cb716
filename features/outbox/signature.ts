// The signature on every webhook delivery, so a receiver knows the notification came from us
// and was not replayed later: X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${body}`)>.
// The timestamp is inside the MAC, so a captured request cannot be re-sent with a fresh time;
// the receiver rejects a t too far from its clock (default 5 minutes) and dedupes on X-Delivery-Id.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';

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
