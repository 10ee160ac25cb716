// The evidence storage a configuration asks for: a folder on disk (the embedded default) or an
// S3-compatible object store (production).
import type { AppConfig } from '../../config/env';
import { createS3Storage, s3OptionsOf } from './s3Storage';
import { createDiskStorage, evidenceDirOf, type EvidenceStorage } from './storage';

export function evidenceStorageOf(cfg: AppConfig): EvidenceStorage {
  return cfg.EVIDENCE_STORAGE === 's3' ? createS3Storage(s3OptionsOf(cfg)) : createDiskStorage(evidenceDirOf(cfg));
}
