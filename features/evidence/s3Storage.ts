// Evidence files in an S3-compatible object store (AWS, MinIO, a city cloud's store), behind the
// same interface as the folder on disk. An object's hash is known only once all of it has been
// read, so a file is streamed to a temporary key first and then copied under its hash: a reader
// of `<prefix>/<aa>/<sha256>` sees either no object or all of it, never a partial upload.
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AppConfig } from '../../config/env';
import { isSha256 } from '../../domain/evidenceFiles';
import { hashingCounter, type EvidenceStorage, type StoredFile } from './storage';

export interface S3StorageOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix, without a trailing slash ('' = the bucket's root). */
  prefix: string;
}

type S3Config = Pick<
  AppConfig,
  'EVIDENCE_S3_BUCKET' | 'EVIDENCE_S3_PREFIX' | 'EVIDENCE_S3_ENDPOINT' | 'EVIDENCE_S3_REGION' | 'EVIDENCE_S3_ACCESS_KEY_ID' | 'EVIDENCE_S3_SECRET_ACCESS_KEY' | 'EVIDENCE_S3_FORCE_PATH_STYLE'
>;

/** The S3 client and bucket a configuration names (loadConfig has checked the bucket is set). */
export function s3OptionsOf(cfg: S3Config): S3StorageOptions {
  if (!cfg.EVIDENCE_S3_BUCKET) throw new Error('EVIDENCE_S3_BUCKET is not set');
  const client = new S3Client({
    region: cfg.EVIDENCE_S3_REGION,
    endpoint: cfg.EVIDENCE_S3_ENDPOINT,
    forcePathStyle: cfg.EVIDENCE_S3_FORCE_PATH_STYLE,
    // S3-compatible stores (MinIO, moto, Ceph) disagree with AWS on the CRC checksums of objects
    // uploaded in parts; our own SHA-256 proves the bytes, so ask for checksums only where S3 must have them.
    ...(cfg.EVIDENCE_S3_ENDPOINT ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    credentials:
      cfg.EVIDENCE_S3_ACCESS_KEY_ID && cfg.EVIDENCE_S3_SECRET_ACCESS_KEY
        ? { accessKeyId: cfg.EVIDENCE_S3_ACCESS_KEY_ID, secretAccessKey: cfg.EVIDENCE_S3_SECRET_ACCESS_KEY }
        : undefined,
  });
  return { client, bucket: cfg.EVIDENCE_S3_BUCKET, prefix: cfg.EVIDENCE_S3_PREFIX.replace(/\/+$/, '') };
}

const isMissing = (err: unknown) =>
  err instanceof NoSuchKey || err instanceof NotFound || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404);

export function createS3Storage({ client, bucket, prefix }: S3StorageOptions): EvidenceStorage {
  const root = prefix ? `${prefix}/` : '';
  const keyOf = (sha256: string) => {
    // The hash becomes a key: only 64 hex digits may, as on disk.
    if (!isSha256(sha256)) throw new Error(`not a SHA-256: ${sha256.slice(0, 80)}`);
    return `${root}${sha256.slice(0, 2)}/${sha256}`;
  };
  const variantKey = (sha256: string, variant: string) => {
    if (!/^[a-z0-9]+(\.[a-z0-9]+)?$/.test(variant)) throw new Error(`bad variant name: ${variant}`);
    return `${keyOf(sha256)}.${variant}`;
  };
  const remove = (Key: string) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));

  const stat = async (sha256: string): Promise<StoredFile | null> => {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(sha256) }));
      return { sha256, size: head.ContentLength ?? 0 };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  };

  const getBytes = async (Key: string): Promise<Readable | null> => {
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      return res.Body as Readable;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  };

  return {
    async put(stream) {
      const tmp = `${root}.uploads/${randomBytes(12).toString('hex')}`;
      const counter = hashingCounter();
      // A source that fails must fail the upload too (pipe alone would leave it waiting).
      stream.once('error', (err) => counter.destroy(err));
      stream.pipe(counter);
      // Multipart in 5 MB parts, so memory stays flat however large the file; an upload that
      // fails midway is aborted by lib-storage (no parts left behind).
      const upload = new Upload({ client, params: { Bucket: bucket, Key: tmp, Body: counter }, queueSize: 2, partSize: 5 * 1024 * 1024 });
      try {
        await upload.done();
      } catch (err) {
        await remove(tmp).catch(() => undefined);
        throw err;
      }
      try {
        const { sha256, size } = counter.result();
        const existing = await stat(sha256);
        if (existing) return { ...existing, created: false };
        await client.send(new CopyObjectCommand({ Bucket: bucket, Key: keyOf(sha256), CopySource: `${bucket}/${encodeURI(tmp)}` }));
        return { sha256, size, created: true };
      } finally {
        await remove(tmp).catch(() => undefined);
      }
    },
    async get(sha256) {
      return getBytes(keyOf(sha256));
    },
    stat,
    async delete(sha256) {
      const key = keyOf(sha256);
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${key}.` }));
      const keys = [key, ...(listed.Contents ?? []).map((o) => o.Key!).filter(Boolean)];
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
    },
    async getVariant(sha256, variant) {
      const body = await getBytes(variantKey(sha256, variant));
      if (!body) return null;
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    async putVariant(sha256, variant, bytes) {
      // One PUT is atomic in S3: a reader sees the old object or the new one.
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: variantKey(sha256, variant), Body: bytes }));
    },
  };
}
