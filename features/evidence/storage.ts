// Evidence files, content-addressed by SHA-256: the name of a stored file is the hash of its
// bytes, so the hash a case's facts record names exactly one content, re-hashing the file
// proves it unchanged, and nothing about the people on the case reaches a path. The
// interface is small on purpose: an object store (S3) fits it as well as a folder.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat as statFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { AppConfig } from '../../config/env';
import { isSha256 } from '../../domain/evidenceFiles';

export interface StoredFile {
  sha256: string;
  size: number;
}

export interface EvidenceStorage {
  /**
   * Store a stream's bytes under their hash. `created` is false when the same bytes were
   * already stored (another upload of the same file): such a file is not this upload's to delete.
   * A stream that fails leaves nothing behind.
   */
  put(stream: Readable): Promise<StoredFile & { created: boolean }>;
  /** The stored bytes, or null when there are none under this hash. */
  get(sha256: string): Promise<Readable | null>;
  stat(sha256: string): Promise<StoredFile | null>;
  /** Removes the file and what was derived from it. */
  delete(sha256: string): Promise<void>;
  /** Something derived from a stored file (a thumbnail), kept beside it; null until made. */
  getVariant(sha256: string, variant: string): Promise<Buffer | null>;
  putVariant(sha256: string, variant: string, bytes: Buffer): Promise<void>;
}

/** A stream's SHA-256 in hex, read to the end. */
export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A pass-through that hashes and counts what flows through it; `result()` once it has ended. */
export function hashingCounter(): Transform & { result(): StoredFile } {
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return Object.assign(counter, { result: () => ({ sha256: hash.digest('hex'), size }) });
}

/** A folder on disk: `<dir>/<first two hex digits>/<sha256>`, so no folder grows too large. */
export function createDiskStorage(dir: string): EvidenceStorage {
  const pathOf = (sha256: string) => {
    // The hash becomes a path: anything but 64 hex digits could climb out of the folder.
    if (!isSha256(sha256)) throw new Error(`not a SHA-256: ${sha256.slice(0, 80)}`);
    return join(dir, sha256.slice(0, 2), sha256);
  };
  const variantPath = (sha256: string, variant: string) => {
    if (!/^[a-z0-9]+(\.[a-z0-9]+)?$/.test(variant)) throw new Error(`bad variant name: ${variant}`);
    return `${pathOf(sha256)}.${variant}`;
  };
  const stat = async (sha256: string): Promise<StoredFile | null> => {
    try {
      const s = await statFile(pathOf(sha256));
      return s.isFile() ? { sha256, size: s.size } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };
  return {
    async put(stream) {
      // The temporary file sits in the storage folder itself, so the final rename is atomic
      // (same file system): a reader sees either no file or all of it, never a partial one.
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.upload-${randomBytes(8).toString('hex')}`);
      const counter = hashingCounter();
      try {
        await pipeline(stream, counter, createWriteStream(tmp, { flags: 'wx' }));
        const { sha256, size } = counter.result();
        const existing = await stat(sha256);
        if (existing) {
          await rm(tmp, { force: true });
          return { ...existing, created: false };
        }
        await mkdir(join(dir, sha256.slice(0, 2)), { recursive: true });
        await rename(tmp, pathOf(sha256));
        return { sha256, size, created: true };
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async get(sha256) {
      if (!(await stat(sha256))) return null;
      return createReadStream(pathOf(sha256));
    },
    stat,
    async delete(sha256) {
      await rm(pathOf(sha256), { force: true });
      const folder = join(dir, sha256.slice(0, 2));
      const variants = await readdir(folder).catch(() => [] as string[]);
      await Promise.all(variants.filter((f) => f.startsWith(`${sha256}.`)).map((f) => rm(join(folder, f), { force: true })));
    },
    async getVariant(sha256, variant) {
      try {
        return await readFile(variantPath(sha256, variant));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async putVariant(sha256, variant, bytes) {
      // Written aside and renamed, like put: two readers making it at once never see half of one.
      const tmp = join(dir, `.variant-${randomBytes(8).toString('hex')}`);
      await writeFile(tmp, bytes);
      await rename(tmp, variantPath(sha256, variant));
    },
  };
}

/** The evidence folder of a configuration: EVIDENCE_DIR, or DATA_DIR/evidence. */
export function evidenceDirOf(cfg: Pick<AppConfig, 'EVIDENCE_DIR' | 'DATA_DIR'>): string {
  return resolve(cfg.EVIDENCE_DIR ?? join(cfg.DATA_DIR, 'evidence'));
}
