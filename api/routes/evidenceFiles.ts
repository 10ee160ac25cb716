// Evidence files on a case: a phone uploads a photo, recording, video or document as
// multipart/form-data; the file is stored by its hash (features/evidence) and recorded on the
// case through the same `evidence` update the JSON action sends, so the case's facts hold the
// stored hash from the moment of upload. Reading is authorised like reading the case.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError } from '@temporalio/common';
import { Router, type Request } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { workflowIdForCase } from '../../domain/caseCode';
import { canActOn, mayAttempt, type ActionTarget } from '../../domain/access';
import { dispositionOf, evidenceFileName } from '../../domain/evidenceFiles';
import { DomainError } from '../../domain/errors';
import type { Actor } from '../../domain/types';
import { checkIntegrity, evidenceCountOf, evidenceFactsFor, isReferenced, storedTypeOf, thumbnailOf } from '../../features/evidence/caseFiles';
import { deleteCaseFile, deletionOf, type EvidenceDeletion } from '../../features/evidence/deletion';
import { ingestEvidenceFile } from '../../features/evidence/ingest';
import { evidenceStorageOf } from '../../features/evidence/configuredStorage';
import type { EvidenceStorage } from '../../features/evidence/storage';
import { CASE_ACTION_TABLE } from '../../workflows/caseActions';
import type { CaseState } from '../../workflows/messages';
import { loadCalls, loadCaseScope, requireAllowed, requireReadable } from '../caseAccess';
import { describeCase } from '../caseWorkflows';
import type { ApiDeps } from '../deps';
import { ApiError, fieldsFromZod, httpErrors } from '../errors';
import { principalOf, requireRole } from '../middleware/auth';
import { parseOr400, requireJsonBody } from '../middleware/validate';
import { receiveForm } from '../multipart';
import { EvidenceBodySchema } from '../schemas/actions';
import { authenticated, CaseCodeParams, CaseCodeSchema, errorResponses, jsonResponse } from '../schemas/common';

const ACTION_TIMEOUT_MS = 30_000;

const Sha256Schema = z.string().regex(/^[0-9a-fA-F]{64}$/, { message: '64 hexadecimal characters' }).transform((s) => s.toLowerCase());
const FileParams = z.object({ code: CaseCodeSchema, sha256: Sha256Schema });

/** The form fields beside the file; they must come before it (as `curl -F` sends them in order). */
const UploadFields = z.strictObject({
  kind: EvidenceBodySchema.shape.kind,
  callId: EvidenceBodySchema.shape.callId,
  sha256: Sha256Schema.optional().meta({ description: "The hash the reporter's device computed of the file it sent; checked against the bytes received." }),
});

const UploadedSchema = z
  .object({
    sha256: z.string().meta({ description: 'SHA-256 of the stored bytes (images: after their metadata was stripped), as recorded on the case.' }),
    size: z.number().int(),
    contentType: z.string(),
    url: z.string(),
    receivedSha256: z.string().meta({ description: 'SHA-256 of the bytes as received.' }),
    deviceSha256: z.string().nullable(),
    state: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'EvidenceFileUploaded' });

const IntegritySchema = z
  .object({
    sha256: z.string(),
    ok: z.boolean(),
    actualSha256: z.string().nullable(),
    size: z.number().int().nullable(),
    checkedAt: z.string(),
    deleted: z
      .object({ deletedBy: z.string(), deletedAt: z.string(), reason: z.string(), bytesDeleted: z.boolean(), changeId: z.string() })
      .nullable()
      .meta({ description: 'Set when an administrator deleted the file from this case: by whom, when, why.' }),
  })
  .meta({ id: 'EvidenceIntegrity' });

const DeleteBody = z.strictObject({
  reason: z.string().trim().min(4).max(500).meta({ description: 'Why the file is deleted (a court order, a resident\'s erasure request…); kept in the change log.' }),
});

const DeletionSchema = z
  .object({
    code: z.string(),
    sha256: z.string(),
    deletedBy: z.string(),
    deletedAt: z.string(),
    reason: z.string(),
    bytesDeleted: z.boolean().meta({ description: 'false when other cases still hold the same bytes: only this case lost them' }),
    changeId: z.string().meta({ description: 'The row of GET /admin/changes (entityKind EVIDENCE_FILE)' }),
  })
  .meta({ id: 'EvidenceDeletion' });

export const evidenceFilesRegistry = new OpenAPIRegistry();
evidenceFilesRegistry.registerPath({
  method: 'post',
  path: '/cases/{code}/evidence/files',
  tags: ['evidence files'],
  summary: 'Upload an evidence file (photo, recording, video, document) and record it on the case',
  description:
    'multipart/form-data with the fields kind, optional callId and sha256, then one file. The type is decided from the ' +
    "file's bytes: JPEG, PNG, WebP, MP3, M4A, AMR, WAV, MP4, MOV, PDF (anything else 400). Images are re-encoded without " +
    'their metadata (GPS, camera) before storage. The same rules as POST /cases/{code}/evidence decide who may upload; ' +
    'a refused upload leaves no file. 413 above EVIDENCE_MAX_FILE_MB.',
  security: authenticated,
  request: {
    params: CaseCodeParams,
    body: { content: { 'multipart/form-data': { schema: UploadFields.extend({ file: z.string().meta({ format: 'binary' }) }) } }, required: true },
  },
  responses: {
    201: jsonResponse(UploadedSchema, 'Stored and recorded on the case'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    409: errorResponses[409],
    413: errorResponses[413],
  },
});
evidenceFilesRegistry.registerPath({
  method: 'delete',
  path: '/cases/{code}/evidence/files/{sha256}',
  tags: ['evidence files'],
  summary: 'ADMIN: delete a file from a case, with a reason (audited)',
  description:
    'Written to the change log first (GET /admin/changes, entityKind EVIDENCE_FILE, action DELETE), then the bytes are removed ' +
    'unless another case still holds the same content. The case keeps its EVIDENCE_UPLOADED fact; reads of the file answer 410 ' +
    'and its integrity check names who deleted it and when. A second DELETE answers 410.',
  security: authenticated,
  request: { params: FileParams, body: { content: { 'application/json': { schema: DeleteBody } }, required: true } },
  responses: {
    200: jsonResponse(DeletionSchema, 'Deleted'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    409: errorResponses[409],
    410: { description: 'Already deleted: the message says by whom and when' },
  },
});
for (const [suffix, summary] of [
  ['', "The file's bytes (inline for images, attachment otherwise)"],
  ['/thumbnail', 'A 320-pixel-wide JPEG of an image'],
  ['/integrity', 'Whether the stored bytes still hash to the recorded value'],
] as const) {
  evidenceFilesRegistry.registerPath({
    method: 'get',
    path: `/cases/{code}/evidence/files/{sha256}${suffix}`,
    tags: ['evidence files'],
    summary,
    description: '404 when the case is outside the caller\'s read scope or none of its evidence facts names this hash.',
    security: authenticated,
    request: { params: FileParams },
    responses: {
      200: suffix === '/integrity' ? jsonResponse(IntegritySchema, 'The check') : { description: summary },
      401: errorResponses[401],
      404: errorResponses[404],
    },
  });
}

/** 410 for a deleted file: who deleted it, when and why. */
function goneError(code: string, sha256: string, d: EvidenceDeletion) {
  return ApiError.of(new DomainError('Gone', 'EVIDENCE_DELETED', `evidence file ${sha256} of case ${code} was deleted by ${d.deletedBy} at ${d.deletedAt}: ${d.reason}`));
}

export function evidenceFilesRouter(deps: Pick<ApiDeps, 'temporal' | 'db' | 'cfg' | 'evidenceStorage'>): Router {
  const router = Router();
  const { temporal, db, cfg } = deps;
  const storage: EvidenceStorage = deps.evidenceStorage ?? evidenceStorageOf(cfg);
  const maxBytes = Math.floor(cfg.EVIDENCE_MAX_FILE_MB * 1024 * 1024);

  router.post('/cases/:code/evidence/files', async (req, res) => {
    const { code } = parseOr400(CaseCodeParams, req.params, 'params');
    if (!req.is('multipart/form-data')) throw httpErrors.unsupportedMediaType('send the file as multipart/form-data');
    const principal = principalOf(req);
    const actor: Actor = { personId: principal.personId, role: principal.role, unitId: principal.unitId, name: principal.name };

    const form = await receiveForm(req, { fileFields: ['file'], maxFiles: 1, maxBytes, tooManyFiles: () => httpErrors.validation([{ path: 'body', message: 'one file per upload' }]) }, async ({ fields, file }) => {
      const parsed = UploadFields.safeParse(fields);
      if (!parsed.success) throw httpErrors.validation(fieldsFromZod(parsed.error, 'body'));
      const { kind, callId, sha256: deviceSha256 } = parsed.data;

      // Everything that can refuse without the file is asked before a byte is stored:
      // the role and place rules of the JSON evidence action, then the case's file limit.
      const target: ActionTarget = { action: 'evidence', ...(callId ? { callId } : {}) };
      requireAllowed(mayAttempt(principal, target));
      const scope = await loadCaseScope(deps, code);
      if (!scope) throw httpErrors.notFound(`no case ${code}`);
      if (principal.role === 'DEPARTMENT_OFFICER') scope.calls = await loadCalls(deps, code, req.log);
      requireAllowed(canActOn(principal, target, scope));
      if ((await evidenceCountOf(db, code)) >= cfg.EVIDENCE_MAX_FILES_PER_CASE) {
        throw httpErrors.conflict('TOO_MANY_FILES', `case ${code} already holds ${cfg.EVIDENCE_MAX_FILES_PER_CASE} evidence files`);
      }

      const stored = await ingestEvidenceFile(storage, file, maxBytes);
      // A file this upload did not create belongs to an earlier upload: never ours to remove.
      const discard = async () => {
        if (stored.created && !(await isReferenced(db, stored.sha256))) await storage.delete(stored.sha256);
      };
      if (deviceSha256 && deviceSha256 !== stored.receivedSha256) {
        await discard();
        throw httpErrors.validation([{ path: 'body.sha256', message: 'does not match the file received: the transfer was damaged, upload it again' }]);
      }

      const url = `/cases/${code}/evidence/files/${stored.sha256}`;
      let state: CaseState;
      try {
        state = await temporal.withDeadline(Date.now() + ACTION_TIMEOUT_MS, () =>
          temporal.workflow
            .getHandle(workflowIdForCase(code))
            .executeUpdate(CASE_ACTION_TABLE.evidence.update, { args: [{ kind, url, sha256: stored.sha256, receivedSha256: stored.receivedSha256, actor, ...(callId ? { callId } : {}) }] }),
        );
      } catch (err) {
        // The case refused (its state, who holds it): the file stays only if a case records it.
        await discard().catch((e: unknown) => req.log.warn({ err: e, sha256: stored.sha256 }, 'evidence: could not remove a refused upload'));
        if (err instanceof WorkflowNotFoundError) {
          const d = await describeCase(temporal, code).catch(() => null);
          if (d && d.status.name !== 'RUNNING') {
            throw httpErrors.conflict('CASE_CLOSED', `case ${code} is no longer running (${d.status.name.toLowerCase()}); it takes no more actions`);
          }
          throw httpErrors.notFound(`no case ${code}`);
        }
        throw err;
      }
      return { sha256: stored.sha256, size: stored.size, contentType: stored.type.mime, url, receivedSha256: stored.receivedSha256, deviceSha256: deviceSha256 ?? null, state };
    });
    if (form.error) throw form.error;
    const result = form.results[0];
    if (!result) throw httpErrors.validation([{ path: 'body.file', message: 'required: one file part named "file"' }]);
    res.status(201).json(result);
  });

  /** The case's fact about this file, after the case read rule: 404 for anything else. */
  const recorded = async (req: Request) => {
    const { code, sha256 } = parseOr400(FileParams, req.params, 'params');
    await requireReadable(deps, principalOf(req), code, req.log);
    const facts = await evidenceFactsFor(db, code, sha256);
    if (!facts.length) throw httpErrors.notFound(`case ${code} has no evidence file ${sha256}`);
    return { code, sha256, fact: facts[0]!, deletion: await deletionOf(db, code, sha256) };
  };
  /** Serving needs the file not deleted, and its bytes still of an accepted type (a tampered file may not be). */
  const servable = async (req: Request) => {
    const r = await recorded(req);
    if (r.deletion) throw goneError(r.code, r.sha256, r.deletion);
    const type = await storedTypeOf(storage, r.sha256);
    if (!type) throw httpErrors.notFound(`case ${r.code} has no servable evidence file ${r.sha256}; check its integrity`);
    return { ...r, type };
  };

  router.get('/cases/:code/evidence/files/:sha256', async (req, res) => {
    const { code, sha256, fact, type } = await servable(req);
    const [stream, stat] = [await storage.get(sha256), await storage.stat(sha256)];
    if (!stream || !stat) throw httpErrors.notFound(`case ${code} has no evidence file ${sha256}`);
    res.set({
      'Content-Type': type.mime,
      'Content-Length': String(stat.size),
      'Content-Disposition': `${dispositionOf(type)}; filename="${evidenceFileName(code, fact.kind, sha256, type.ext)}"`,
      // Access-controlled: no shared cache may keep it.
      'Cache-Control': 'private, no-cache',
    });
    await pipeline(stream, res);
  });

  router.get('/cases/:code/evidence/files/:sha256/thumbnail', async (req, res) => {
    const { code, sha256, type } = await servable(req);
    if (type.family !== 'image') throw httpErrors.notFound(`evidence file ${sha256} is not an image: it has no thumbnail`);
    const thumb = await thumbnailOf(storage, sha256);
    if (!thumb) throw httpErrors.notFound(`case ${code} has no evidence file ${sha256}`);
    res.set({ 'Content-Type': 'image/jpeg', 'Content-Disposition': 'inline', 'Cache-Control': 'private, no-cache' }).send(thumb);
  });

  router.get('/cases/:code/evidence/files/:sha256/integrity', async (req, res) => {
    const { sha256, deletion } = await recorded(req);
    res.json({ ...(await checkIntegrity(storage, sha256)), deleted: deletion });
  });

  router.delete(
    '/cases/:code/evidence/files/:sha256',
    requireRole(['ADMIN'], 'delete evidence files'),
    requireJsonBody,
    async (req, res) => {
      const { code, sha256 } = parseOr400(FileParams, req.params, 'params');
      const { reason } = parseOr400(DeleteBody, req.body ?? {}, 'body');
      const principal = principalOf(req);
      // The administrator's own district only, like reading the case (404 outside).
      await requireReadable(deps, principal, code, req.log);
      const facts = await evidenceFactsFor(db, code, sha256);
      if (!facts.length) throw httpErrors.notFound(`case ${code} has no evidence file ${sha256}`);
      const scope = await loadCaseScope(deps, code);
      if (!scope) throw httpErrors.notFound(`no case ${code}`);
      const { deletion, now } = await deleteCaseFile(db, storage, {
        code,
        sha256,
        fact: facts[0]!,
        districtId: scope.units.districtId,
        actorId: principal.personId,
        reason,
        at: new Date(),
      });
      if (!now) throw goneError(code, sha256, deletion);
      req.log.info({ code, sha256, changeId: deletion.changeId, bytesDeleted: deletion.bytesDeleted }, 'evidence: file deleted by an administrator');
      res.json({ code, sha256, ...deletion });
    },
  );

  return router;
}

