// Open311 output: one canonical document per response, rendered as XML (the required
// format) or JSON (the Spark convention) by the resource's suffix. The canonical form is
// the JSON one; XML wraps every array in its plural element with singular children
// (services → service, service_requests → request, …), as GeoReport v2's examples do.
import type { Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';

export type Open311Format = 'xml' | 'json';

export const CONTENT_TYPES: Record<Open311Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** One entry of an errors response. `code` is usually the HTTP status; it may be more specific. */
export interface Open311ErrorItem {
  code: number;
  description: string;
}

/**
 * A failure answered in the spec's errors format. HTTP status is 404 for resources that do not
 * exist, 403 for a missing or invalid api_key, and 400 for everything else (GeoReport v2, Errors).
 */
export class Open311Error extends Error {
  override name = 'Open311Error';
  constructor(
    readonly status: 400 | 403 | 404,
    readonly errors: Open311ErrorItem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((e) => e.description).join('; '));
  }

  static badRequest(...descriptions: string[]): Open311Error {
    return new Open311Error(400, descriptions.map((description) => ({ code: 400, description })));
  }

  static forbidden(description: string): Open311Error {
    return new Open311Error(403, [{ code: 403, description }]);
  }

  static notFound(description: string): Open311Error {
    return new Open311Error(404, [{ code: 404, description }]);
  }
}

/** Element name of one item of each list, as in the spec (and FixMyStreet for updates). */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

function itemName(listName: string): string {
  return ITEM_NAMES[listName] ?? listName.replace(/s$/, '');
}

/** A response body: the root element's name and its content (the JSON body itself). */
export interface Open311Document {
  root: string;
  body: unknown;
}

// Characters XML 1.0 forbids even when escaped; a report's text could carry them.
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** The canonical value in fast-xml-parser builder form. */
function toXmlNode(name: string, value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '';
    const item = itemName(name);
    return { [item]: value.map((v) => toXmlNode(item, v)) };
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toXmlNode(k, v);
    return out;
  }
  if (typeof value === 'string') return value.replace(XML_FORBIDDEN, '');
  return String(value);
}

const builder = new XMLBuilder({ ignoreAttributes: false, format: true, indentBy: '  ', suppressEmptyNode: false });

/** The XML text of a document, with the declaration the spec requires. */
export function renderXml(doc: Open311Document): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    [doc.root]: toXmlNode(doc.root, doc.body),
  }) as string;
}

/** The JSON text of a document (Spark convention: the root element is dropped). */
export function renderJson(doc: Open311Document): string {
  return JSON.stringify(doc.body);
}

/** Send a document in the requested format. */
export function sendDocument(res: Response, format: Open311Format, doc: Open311Document, status = 200): void {
  res.status(status).set('Content-Type', CONTENT_TYPES[format]).send(format === 'xml' ? renderXml(doc) : renderJson(doc));
}

/** The errors document of a failure. */
export function errorsDocument(errors: readonly Open311ErrorItem[]): Open311Document {
  return { root: 'errors', body: errors.map((e) => ({ code: e.code, description: e.description })) };
}

/** The format a request asked for: `.xml` (also the default without a suffix) or `.json`. */
export function parseFormat(suffix: string | undefined): Open311Format {
  if (suffix === undefined || suffix === '') return 'xml';
  const f = suffix.toLowerCase();
  if (f === 'xml' || f === 'json') return f;
  throw Open311Error.badRequest(`format "${suffix}" is not supported: append .xml or .json to the resource`);
}

/** Split "CG-001.json" into the id and the format; ids (service codes, case codes) carry no dots. */
export function splitFormat(file: string): { id: string; format: Open311Format } {
  const m = /^(.*)\.([^.]*)$/.exec(file);
  if (!m) return { id: file, format: 'xml' };
  return { id: m[1], format: parseFormat(m[2]) };
}

/** The format implied by a path's last segment, for errors raised before routing (never throws). */
export function formatOfPath(path: string): Open311Format {
  return /\.json$/i.test(path) ? 'json' : 'xml';
}
