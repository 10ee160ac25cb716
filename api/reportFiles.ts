// Files sent with a new report (POST /cases as multipart/form-data, Open311's `media`): each is
// stored through the evidence pipeline as it arrives (type from its bytes, size limit, image
// metadata stripped, content-addressed), then the case is started with their hashes, which
// its first facts record. A report refused at any point removes the files it stored.
import type { Request } from 'express';
import { evidenceKindOf } from '../domain/evidenceFiles';
import { discardUnrecorded } from '../features/evidence/caseFiles';
import { ingestEvidenceFile, type IngestedFile } from '../features/evidence/ingest';
import type { EvidenceStorage } from '../features/evidence/storage';
import { caseMayHaveStarted, type StoredIntakeFile } from '../features/intake/intake';
import type { ApiDeps } from './deps';
import { receiveForm, type FormFields } from './multipart';

export interface ReportFiles {
  fields: FormFields;
  files: StoredIntakeFile[];
  /** Start the case with `start`; when it is refused, the stored files are removed again. */
  startWith<T>(start: () => Promise<T>): Promise<T>;
}

export interface ReportFileOptions {
  /** The field names files come under (`photo`, Open311's `media`). */
  fileFields: readonly string[];
  /** At most this many files (default EVIDENCE_MAX_FILES_PER_CASE). */
  maxFiles?: number;
  /** Checks the text fields before the first file is stored; throws the refusal. */
  checkFields: (fields: FormFields) => void | Promise<void>;
  tooManyFiles: () => Error;
  /** Logs a failed clean-up (the refusal itself is what the client hears). */
  log: Request['log'];
}

export const maxFileBytesOf = (cfg: ApiDeps['cfg']): number => Math.floor(cfg.EVIDENCE_MAX_FILE_MB * 1024 * 1024);

/** Receive a report's form and store its files; throws the first refusal after removing what it stored. */
export async function receiveReportFiles(
  req: Request,
  deps: Pick<ApiDeps, 'db' | 'cfg'> & { storage: EvidenceStorage },
  opts: ReportFileOptions,
): Promise<ReportFiles> {
  const maxBytes = maxFileBytesOf(deps.cfg);
  let checked = false;
  const form = await receiveForm<IngestedFile>(
    req,
    { fileFields: opts.fileFields, maxFiles: opts.maxFiles ?? deps.cfg.EVIDENCE_MAX_FILES_PER_CASE, maxBytes, tooManyFiles: opts.tooManyFiles },
    async ({ fields, file }) => {
      if (!checked) {
        await opts.checkFields(fields);
        checked = true;
      }
      return ingestEvidenceFile(deps.storage, file, maxBytes);
    },
  );
  const discard = () =>
    discardUnrecorded(deps.db, deps.storage, form.results).catch((err: unknown) => opts.log.warn({ err }, 'evidence: could not remove the files of a refused report'));
  if (form.error) {
    await discard();
    throw form.error;
  }
  return {
    fields: form.fields,
    files: form.results.map((f) => ({ kind: evidenceKindOf(f.type), sha256: f.sha256, receivedSha256: f.receivedSha256 })),
    async startWith(start) {
      try {
        return await start();
      } catch (err) {
        // A start that may have happened keeps its files: the case would record them.
        if (!caseMayHaveStarted(err)) await discard();
        throw err;
      }
    },
  };
}
