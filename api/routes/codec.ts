// The Temporal Web UI's codec server (its "codec endpoint" setting): POST /codec/decode takes
// `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` and answers the same shape
// decoded with the API's payload keys. Auditors and admins only: everyone else sees the UI's
// `binary/encrypted` payloads. The UI calls it from the browser, so /codec answers CORS for
// CODEC_CORS_ORIGINS (its preflight is answered before authentication: it carries no data).
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Payload } from '@temporalio/common';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Role } from '../../domain/types';
import { payloadCodecsOf } from '../../platform/temporalConnection';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { requireRole } from '../middleware/auth';
import { parseOr400 } from '../middleware/validate';
import { authenticated, errorResponses, jsonResponse } from '../schemas/common';

export const CODEC_ROLES: readonly Role[] = ['AUDITOR', 'ADMIN'];

const base64 = z.string().max(4 * 1024 * 1024).regex(/^[A-Za-z0-9+/=_-]*$/, 'not base64');
const PayloadJson = z.object({ metadata: z.record(z.string(), base64).default({}), data: base64.optional() });
export const CodecBodySchema = z.object({ payloads: z.array(PayloadJson).max(1000) }).meta({ id: 'CodecPayloads' });

export const codecRegistry = new OpenAPIRegistry();
codecRegistry.registerPath({
  method: 'post',
  path: '/codec/decode',
  tags: ['audit'],
  summary: "AUDITOR, ADMIN: Temporal Web UI codec server — decode payloads with the API's keys",
  description: "Temporal's codec-server protocol: { payloads: [{ metadata, data }] } in, the same decoded out (base64 as in protobuf JSON). CORS for CODEC_CORS_ORIGINS. docs/PRIVACY.md.",
  security: authenticated,
  request: { body: { content: { 'application/json': { schema: CodecBodySchema } }, required: true } },
  responses: { 200: jsonResponse(CodecBodySchema, 'Decoded payloads'), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
});

/** CORS for the UI origins on /codec: the preflight is answered here, before authentication. */
export function codecCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    if (!req.path.startsWith('/codec/')) return next();
    const origin = req.get('Origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      if (origin && allowed.has(origin)) {
        res.setHeader('Access-Control-Allow-Methods', 'POST');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace, X-CSRF-Token');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}

const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64');

export function codecRouter(deps: Pick<ApiDeps, 'temporal'>): Router {
  const router = Router();
  router.post('/codec/decode', requireRole(CODEC_ROLES, 'decode workflow payloads'), async (req, res) => {
    const body = parseOr400(CodecBodySchema, req.body ?? {}, 'body');
    let payloads: Payload[] = body.payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new Uint8Array(b64(v))])),
      data: new Uint8Array(b64(p.data)),
    }));
    try {
      for (const codec of [...payloadCodecsOf(deps.temporal)].reverse()) payloads = await codec.decode(payloads);
    } catch (err) {
      // Unknown key id, wrong key, altered bytes: the client's payload, never a 500.
      throw new ApiError(400, 'UNDECODABLE_PAYLOAD', (err as Error).message);
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      payloads: payloads.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
      })),
    });
  });
  return router;
}
