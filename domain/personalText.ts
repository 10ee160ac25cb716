// Personal data a person typed into free text: "请联系业主 13812345678", a reporter's name in a
// handling note, a survey comment with an e-mail. The retention run erases the reporter's own
// fields; this finds the same data where nobody labelled it, so that an anonymised case keeps
// nothing personal (PIPL art. 47). The same finder masks it (138****5678, 王**) in the case
// record of callers who see the reporter masked (api/caseViews.ts). Pure: the retention run applies it to the projection, the
// event log, the outbox and every archived history payload alike, so a history and the rows
// written from it still agree (and the history still replays: the workflow copies these texts
// verbatim, so scrubbing its input scrubs its commands the same way).
import { ANONYMISED, maskEmail, maskName, maskPhone } from './personalData';

/** What the case knows about its reporter (any field may be missing or already erased). */
export interface KnownReporter {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
}

/**
 * Keys whose string values are free text someone wrote (or the workflow composed from such text,
 * like notification messages). Ids, codes, enums and instants are never touched.
 */
export const FREE_TEXT_KEYS: ReadonlySet<string> = new Set([
  'description',
  'address',
  'note',
  'notes',
  'comment',
  'reason',
  'decisionReason',
  'summary',
  'result',
  'resolution',
  'explanation',
  'guidance',
  'instructions',
  'place',
  'message',
  'text',
]);

// A token boundary: not inside a longer run of letters or digits (a case code, a hash, a date).
const B = '(?<![0-9A-Za-z])';
const E = '(?![0-9A-Za-z])';
/** Mainland mobile numbers, with +86 / 86 and spaces or hyphens between the digits. */
const MOBILE = `(?:\\+?86[\\s-]?)?1[3-9]\\d(?:[\\s-]?\\d){8}`;
/** Landlines with their area code: 010-12345678, (0591) 8765432, 059187654321. */
const LANDLINE = `(?:\\(0\\d{2,3}\\)|0\\d{2,3})[\\s-]?\\d{7,8}`;
/** Resident identity card numbers (18 characters, the last may be X). */
const ID_CARD = `\\d{17}[\\dXx]`;
const EMAIL = `[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+`;
const PATTERNS = new RegExp(`${B}(?:${MOBILE}|${ID_CARD}|${LANDLINE})${E}|${EMAIL}`, 'g');

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The reporter's own number however it was typed (spaces, hyphens between any digits). */
function ownPhonePattern(phone: string): RegExp | null {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 5) return null;
  return new RegExp(`(?<!\\d)${digits.split('').join('[\\s-]*')}(?!\\d)`, 'g');
}

/** Names worth searching for: two characters or more (a one-character "name" would erase words). */
function namePattern(name: string): RegExp | null {
  const n = name.trim();
  if (Array.from(n).length < 2 || n === ANONYMISED) return null;
  return new RegExp(escapeRegExp(n), 'g');
}

/** What a match is, for a replacement that depends on it (masking). */
export type PersonalTextKind = 'phone' | 'idCard' | 'email' | 'name';

const kindOf = (match: string): PersonalTextKind => (match.includes('@') ? 'email' : /^\d{17}[\dXx]$/.test(match) ? 'idCard' : 'phone');

/** A scrubber for one case's texts (the patterns built once); every match becomes `replace(match, kind)`, by default `(anonymised)`. */
export function personalTextScrubber(
  reporter: KnownReporter,
  replace: (match: string, kind: PersonalTextKind) => string = () => ANONYMISED,
): (text: string) => string {
  const own: Array<[RegExp, PersonalTextKind]> = [];
  const phone = reporter.phone ? ownPhonePattern(reporter.phone) : null;
  if (phone) own.push([phone, 'phone']);
  if (reporter.email && reporter.email !== ANONYMISED) own.push([new RegExp(escapeRegExp(reporter.email.trim()), 'gi'), 'email']);
  const name = reporter.name ? namePattern(reporter.name) : null;
  if (name) own.push([name, 'name']);
  return (text) => {
    let out = text;
    for (const [r, kind] of own) out = out.replace(r, (m) => replace(m, kind));
    return out.replace(PATTERNS, (m) => replace(m, kindOf(m)));
  };
}

/** 11010519491231002X → 110***********002X. */
const maskIdCard = (id: string) => `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;

/** A masker for one case's texts: the same finds, shown as the reporter's masked fields are (138****5678, 王**, w***@example.cn). */
export function personalTextMasker(reporter: KnownReporter): (text: string) => string {
  return personalTextScrubber(reporter, (m, kind) =>
    kind === 'email' ? maskEmail(m) : kind === 'name' ? maskName(m) : kind === 'idCard' ? maskIdCard(m) : maskPhone(m),
  );
}

/** `text` with phone numbers, identity card numbers, e-mail addresses and the reporter's own name and number replaced. */
export function scrubPersonalText(text: string, reporter: KnownReporter = {}): string {
  return personalTextScrubber(reporter)(text);
}

/**
 * A JSON value (an event's data, a workflow payload) with every string under a FREE_TEXT_KEYS
 * key scrubbed, at any depth. Returns the same value when nothing changed (callers skip writes).
 */
export function scrubFreeTextFields(value: unknown, scrub: (text: string) => string, underFreeText = false): unknown {
  if (typeof value === 'string') {
    if (!underFreeText) return value;
    const s = scrub(value);
    return s === value ? value : s;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = scrubFreeTextFields(v, scrub, underFreeText);
      if (r !== v) changed = true;
      return r;
    });
    return changed ? out : value;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const r = scrubFreeTextFields(v, scrub, FREE_TEXT_KEYS.has(k));
    if (r !== v) changed = true;
    out[k] = r;
  }
  return changed ? out : value;
}
