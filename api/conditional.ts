// Conditional GETs for the console's polling (docs/ARCHITECTURE.md, "Live updates"): a read
// answers with a weak ETag derived from a cheap version of what it shows (a case's projection
// version; a list page's cases and their update times, and its capped total) and the caller,
// and a request whose If-None-Match carries that tag gets 304 with no body, before the
// expensive part of the read (workflow queries, building the views) runs. Express's own ETags stay off: they hash the finished body, which
// costs the whole read.
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Principal } from '../features/auth/auth';

/** The weak ETag of `parts`, for this caller (answers are masked by role and scoped by unit). */
export function etagOf(caller: Pick<Principal, 'personId' | 'role' | 'unitId'>, ...parts: Array<string | number | null | undefined>): string {
  const h = createHash('sha256').update([caller.personId, caller.role, caller.unitId, ...parts.map((p) => String(p ?? ''))].join('\u0000'));
  return `W/"${h.digest('base64url').slice(0, 27)}"`;
}

/**
 * Set the ETag (and "revalidate every time") on the answer; when the request already holds
 * it, answer 304 and return true: the route stops there.
 */
export function answeredNotModified(req: Request, res: Response, etag: string): boolean {
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  const held = req.get('If-None-Match');
  if (held && held.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    res.status(304).end();
    return true;
  }
  return false;
}
