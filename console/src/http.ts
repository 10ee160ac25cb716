// Calls to the API on the same origin. The session is the HttpOnly cookie the server set at
// sign-in (the page never sees it); state-changing calls carry the CSRF token the server
// gave with it, kept in memory only (a reload asks GET /auth/session for a fresh one).
import type { FieldError } from './types';

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** An API error answer: { error: { code, message, fields? } } with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

/** Called on any 401 after sign-in: the session ended (signed out elsewhere, expired). */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  // A FormData body goes as multipart/form-data: the browser writes the header with its boundary.
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : form ? (body as FormData) : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; fields?: FieldError[] } } | null)?.error;
    if (res.status === 401 && !opts.quiet401) onUnauthorized();
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.fields ?? []);
  }
  return json as T;
}

/**
 * The API's field errors by form field name, for antd Form.Item: the last named segment of the
 * path ("body.decision" → "decision", "body.calls.0.reportBy" → "reportBy").
 */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) {
    for (const f of err.fields) {
      const name = f.path.split('.').filter((s) => s !== 'body' && !/^\d+$/.test(s)).pop() ?? f.path;
      out[name] = out[name] ? `${out[name]}; ${f.message}` : f.message;
    }
  }
  return out;
}

/** A conditional GET's answer: the body and its ETag, or "not modified" (304: the held copy is current). */
export type Conditional<T> = { notModified: true } | { notModified: false; data: T; etag: string | null };

/**
 * GET with If-None-Match: the server answers 304 with no body while what it would send has not
 * changed (api/conditional.ts). The browser's HTTP cache is bypassed (no-store): the console
 * keeps the copy and the tag itself, so a 304 is seen as one (nothing to re-render).
 */
export async function getIfChanged<T>(path: string, etag: string | null): Promise<Conditional<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (etag) headers['If-None-Match'] = etag;
  const res = await fetch(path, { headers, credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 304) return { notModified: true };
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; fields?: FieldError[] } } | null)?.error;
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.fields ?? []);
  }
  return { notModified: false, data: json as T, etag: res.headers.get('ETag') };
}
