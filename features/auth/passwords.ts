// Local passwords: the length policy, scrypt hashes, and the lockout delay. Pure apart
// from node:crypto, so every rule here is unit-tested without a database.
//
// Why scrypt: it is memory-hard (guessing on GPUs is expensive) and ships with Node, so no
// native addon has to compile. Each hash carries its own salt and parameters, so raising
// the cost later (PASSWORD_SCRYPT_LOG_N) still verifies the older hashes, and a sign-in
// rehashes them at the new cost.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Length bounds in Unicode code points (a Chinese passphrase counts its characters, not bytes). */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * A few passwords every guessing list starts with. Not a real breached-password check (that
 * needs a list this project does not ship); it catches the obvious ones at the length minimum.
 */
const TOO_COMMON = new Set([
  '1234567890', '12345678910', '0123456789', '1111111111', '0000000000', 'qwertyuiop', 'password12',
  'password123', 'password1234', 'abcdefghij', 'iloveyou12', 'a1234567890', 'qwerty1234', 'abc1234567',
]);

/**
 * Why the password is refused, or null when it is acceptable. Length only, as NIST SP 800-63B
 * advises: composition rules (a digit, a capital…) make passwords predictable, not strong.
 */
export function passwordProblem(password: string, login?: string | null): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.trim() === '') return 'must not be only spaces';
  if (TOO_COMMON.has(password.toLowerCase())) return 'is too common';
  if (login && password.toLowerCase().includes(login.toLowerCase())) return 'must not contain the login';
  return null;
}

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** The parameters of new hashes for a cost of 2^logN. */
export function scryptParams(logN: number): ScryptParams {
  return { N: 2 ** logN, r: 8, p: 1 };
}

function scrypt(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  // Node refuses above `maxmem` (32 MB by default); scrypt needs 128·N·r bytes.
  const opts: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, keyLength, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** "scrypt$N$r$p$<salt base64url>$<key base64url>": everything verify needs, no secret besides the key. */
export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, KEY_LENGTH, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

/** The parts of a stored hash, or null when it is not one of ours. */
export function parsePasswordHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0) || (N & (N - 1)) !== 0 || N < 2 || N > 2 ** 22 || r > 32 || p > 16) return null;
  const salt = Buffer.from(parts[4], 'base64url');
  const key = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8 || key.length < 16) return null;
  return { N, r, p, salt, key };
}

/** True when the password matches the stored hash; compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.key.length, parsed);
  return timingSafeEqual(key, parsed.key);
}

/** True when a hash was made with weaker parameters than the current ones (rehash at sign-in). */
export function needsRehash(stored: string, current: ScryptParams): boolean {
  const parsed = parsePasswordHash(stored);
  return !parsed || parsed.N < current.N || parsed.r < current.r || parsed.p < current.p;
}

/** Consecutive failures that lock an account. */
export const LOCKOUT_THRESHOLD = 5;
/** The first lock, in seconds; each further failure after a lock doubles it… */
export const LOCKOUT_BASE_SECONDS = 60;
/** …up to this. */
export const LOCKOUT_MAX_SECONDS = 3600;

/**
 * How long an account is locked after its `failures`-th consecutive failure: nothing before
 * the 5th, then 1 min, 2, 4, 8, 16, 32 min, and 1 h from the 11th on. Growing, so an online
 * guesser gets a handful of tries an hour; capped, so the owner is never locked out for days.
 */
export function lockoutSeconds(failures: number): number {
  if (failures < LOCKOUT_THRESHOLD) return 0;
  const doublings = Math.min(failures - LOCKOUT_THRESHOLD, 16);
  return Math.min(LOCKOUT_BASE_SECONDS * 2 ** doublings, LOCKOUT_MAX_SECONDS);
}

/** sha256 hex of a high-entropy token (session, CSRF): a slow KDF adds nothing for 256 random bits. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `presented` hashes to `storedHash`; constant time whatever the input's length. */
export function tokenMatchesHash(presented: string | undefined | null, storedHash: string | null | undefined): boolean {
  if (!presented || !storedHash) return false;
  const a = Buffer.from(hashToken(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new random token: prefix + 256 bits, base64url (no dots, so it is never mistaken for a JWT). */
export function newToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}
