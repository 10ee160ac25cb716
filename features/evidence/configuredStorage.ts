// The evidence storage a configuration asks for: a folder on disk (the embedded default) or an
// S3-compatible object store (production). The S3 client (the AWS SDK) is loaded by the first
// call that touches the store, not when the API starts: loadConfig has already checked the bucket.
import type { AppConfig } from '../../config/env';
import { createDiskStorage, evidenceDirOf, type EvidenceStorage } from './storage';

export function evidenceStorageOf(cfg: AppConfig): EvidenceStorage {
  if (cfg.EVIDENCE_STORAGE !== 's3') return createDiskStorage(evidenceDirOf(cfg));
  let store: Promise<EvidenceStorage> | undefined;
  const s3 = () => (store ??= import('./s3Storage').then(({ createS3Storage, s3OptionsOf }) => createS3Storage(s3OptionsOf(cfg))));
  return {
    put: async (stream) => (await s3()).put(stream),
    get: async (sha256) => (await s3()).get(sha256),
    stat: async (sha256) => (await s3()).stat(sha256),
    delete: async (sha256) => (await s3()).delete(sha256),
    getVariant: async (sha256, variant) => (await s3()).getVariant(sha256, variant),
    putVariant: async (sha256, variant, bytes) => (await s3()).putVariant(sha256, variant, bytes),
  };
}
