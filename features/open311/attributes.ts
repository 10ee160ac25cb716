// Open311 service definitions as catalog data: MatterCategory.attributes holds the extra
// fields a report of that category asks for (GeoReport v2 "GET Service Definition"). This
// module validates the stored definitions and the attribute[code]=value pairs a client
// submits, and turns accepted answers into plain lines appended to the case description.
// Pure: no Prisma, no express (the seed validates its catalog with it too).
import { z } from 'zod';
import { DomainError } from '../../domain/errors';

/** GeoReport v2 attribute datatypes. */
export const ATTRIBUTE_DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type AttributeDatatype = (typeof ATTRIBUTE_DATATYPES)[number];

const LIST_TYPES: readonly AttributeDatatype[] = ['singlevaluelist', 'multivaluelist'];

const CODE_RE = /^[A-Za-z0-9_-]{1,64}$/;

const attributeValueSchema = z.strictObject({
  key: z.string().regex(CODE_RE, { message: 'a value key is 1..64 letters, digits, _ or -' }),
  name: z.string().min(1).max(200),
});

/** One attribute as stored in MatterCategory.attributes; `order` is its position (1-based). */
export const serviceAttributeSchema = z
  .strictObject({
    code: z.string().regex(CODE_RE, { message: 'an attribute code is 1..64 letters, digits, _ or -' }),
    datatype: z.enum(ATTRIBUTE_DATATYPES),
    required: z.boolean(),
    /** false: informational only (shown to the user, never submitted). Default true. */
    variable: z.boolean().default(true),
    description: z.string().min(1).max(500),
    datatypeDescription: z.string().max(200).optional(),
    values: z.array(attributeValueSchema).optional(),
  })
  .superRefine((a, ctx) => {
    const isList = LIST_TYPES.includes(a.datatype);
    if (isList && !a.values?.length) ctx.addIssue({ code: 'custom', path: ['values'], message: `a ${a.datatype} needs at least one value` });
    if (!isList && a.values !== undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: `values apply to list datatypes only, not ${a.datatype}` });
    const keys = new Set<string>();
    for (const v of a.values ?? []) {
      if (keys.has(v.key)) ctx.addIssue({ code: 'custom', path: ['values'], message: `value key "${v.key}" appears twice` });
      keys.add(v.key);
    }
    if (!a.variable && a.required) ctx.addIssue({ code: 'custom', path: ['required'], message: 'an informational attribute (variable false) cannot be required' });
  });

export const serviceAttributesSchema = z.array(serviceAttributeSchema).superRefine((list, ctx) => {
  const codes = new Set<string>();
  list.forEach((a, i) => {
    if (codes.has(a.code)) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `attribute code "${a.code}" appears twice` });
    codes.add(a.code);
  });
});

/** A validated attribute definition. */
export type ServiceAttribute = z.output<typeof serviceAttributeSchema>;
/** An attribute definition as written in seed data (variable may be left out). */
export type ServiceAttributeInput = z.input<typeof serviceAttributeSchema>;

/** The code of an AttributeDefinitionError: the Open311 renderer answers it without the details. */
export const SERVICE_DEFINITION_INVALID = 'SERVICE_DEFINITION_INVALID';

/** A catalog row's attributes JSON that does not describe valid attributes: our fault (Internal, SERVICE_DEFINITION_INVALID). */
export class AttributeDefinitionError extends DomainError {
  override name = 'AttributeDefinitionError';
  constructor(message: string) {
    super('Internal', SERVICE_DEFINITION_INVALID, message);
  }
}

/** Parse MatterCategory.attributes (null/undefined = none); throws AttributeDefinitionError listing every problem. */
export function parseServiceAttributes(json: unknown, categoryCode = '?'): ServiceAttribute[] {
  if (json === null || json === undefined) return [];
  const r = serviceAttributesSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    throw new AttributeDefinitionError(`category ${categoryCode}: invalid attributes: ${problems.join('; ')}`);
  }
  return r.data;
}

/** The attributes a client must answer or may answer (informational ones excluded). */
function inputAttributes(defs: readonly ServiceAttribute[]): ServiceAttribute[] {
  return defs.filter((a) => a.variable);
}

/** A submitted answer, normalised: list keys for list types, a trimmed string otherwise. */
export type AttributeAnswer = { code: string; value: string | number | string[] };

/** One problem with the submitted attributes, phrased for the user. */
export interface AttributeProblem {
  code: string;
  message: string;
}

export interface AttributeCheck {
  answers: AttributeAnswer[];
  problems: AttributeProblem[];
}

const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const MAX_STRING = 500;
const MAX_TEXT = 4000;

function asList(raw: unknown): unknown[] {
  return Array.isArray(raw) ? raw : [raw];
}

/** One scalar from a form field: repeated form fields arrive as arrays. */
function scalar(raw: unknown): string | undefined {
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (typeof raw === 'string') return raw.trim();
  return undefined;
}

/**
 * Check `attribute[code]=value` answers (the parsed `attribute` object of a POST) against the
 * definitions: unknown codes, missing required answers, values outside a list, bad numbers or
 * datetimes. Every problem is reported, so a client fixes them all at once.
 */
export function checkAttributeAnswers(defs: readonly ServiceAttribute[], submitted: unknown): AttributeCheck {
  const problems: AttributeProblem[] = [];
  const answers: AttributeAnswer[] = [];
  let given: Record<string, unknown> = {};
  if (submitted !== undefined && submitted !== null && submitted !== '') {
    if (typeof submitted !== 'object' || Array.isArray(submitted)) {
      return { answers, problems: [{ code: '', message: 'attribute must be sent as attribute[code]=value pairs' }] };
    }
    given = submitted as Record<string, unknown>;
  }
  const byCode = new Map(inputAttributes(defs).map((a) => [a.code, a]));
  for (const code of Object.keys(given)) {
    if (!byCode.has(code)) {
      const info = defs.some((a) => a.code === code);
      problems.push({ code, message: info ? `attribute[${code}] is informational and takes no value` : `attribute[${code}] is not defined for this service` });
    }
  }

  for (const def of byCode.values()) {
    const raw = given[def.code];
    const empty = raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.every((v) => v === '' || v === null));
    if (empty) {
      if (def.required) problems.push({ code: def.code, message: `attribute[${def.code}] is required: ${def.description}` });
      continue;
    }
    const keys = new Set((def.values ?? []).map((v) => v.key));
    switch (def.datatype) {
      case 'singlevaluelist': {
        const v = Array.isArray(raw) ? undefined : scalar(raw);
        if (v === undefined) problems.push({ code: def.code, message: `attribute[${def.code}] takes one value` });
        else if (!keys.has(v)) problems.push({ code: def.code, message: `attribute[${def.code}] must be one of ${[...keys].join(', ')}` });
        else answers.push({ code: def.code, value: v });
        break;
      }
      case 'multivaluelist': {
        const values = asList(raw).map(scalar).filter((v): v is string => v !== undefined && v !== '');
        const bad = values.filter((v) => !keys.has(v));
        if (bad.length) problems.push({ code: def.code, message: `attribute[${def.code}]: ${bad.join(', ')} not among ${[...keys].join(', ')}` });
        else answers.push({ code: def.code, value: [...new Set(values)] });
        break;
      }
      case 'number': {
        const s = Array.isArray(raw) ? undefined : scalar(raw);
        const n = s === undefined || s === '' ? NaN : Number(s);
        if (!Number.isFinite(n)) problems.push({ code: def.code, message: `attribute[${def.code}] must be a number` });
        else answers.push({ code: def.code, value: n });
        break;
      }
      case 'datetime': {
        const s = Array.isArray(raw) ? undefined : scalar(raw);
        if (s === undefined || !DATETIME_RE.test(s) || Number.isNaN(Date.parse(s))) {
          problems.push({ code: def.code, message: `attribute[${def.code}] must be an ISO 8601 date and time with a zone, e.g. 2026-11-22T09:30:00+08:00` });
        } else answers.push({ code: def.code, value: s });
        break;
      }
      case 'string':
      case 'text': {
        const s = Array.isArray(raw) ? undefined : scalar(raw);
        const max = def.datatype === 'string' ? MAX_STRING : MAX_TEXT;
        if (s === undefined) problems.push({ code: def.code, message: `attribute[${def.code}] takes one value` });
        else if (def.datatype === 'string' && /[\r\n]/.test(s)) problems.push({ code: def.code, message: `attribute[${def.code}] must be a single line` });
        else if (s.length > max) problems.push({ code: def.code, message: `attribute[${def.code}] is longer than ${max} characters` });
        else answers.push({ code: def.code, value: s });
        break;
      }
    }
  }
  return { answers, problems };
}

/** The accepted answers as readable lines ("description: value name"), in definition order. */
export function describeAnswers(defs: readonly ServiceAttribute[], answers: readonly AttributeAnswer[]): string[] {
  const byCode = new Map(answers.map((a) => [a.code, a.value]));
  const lines: string[] = [];
  for (const def of defs) {
    const value = byCode.get(def.code);
    if (value === undefined) continue;
    const names = new Map((def.values ?? []).map((v) => [v.key, v.name]));
    const shown = Array.isArray(value) ? value.map((k) => names.get(k) ?? k).join('; ') : typeof value === 'string' ? names.get(value) ?? value : String(value);
    lines.push(`${def.description}: ${shown}`);
  }
  return lines;
}
