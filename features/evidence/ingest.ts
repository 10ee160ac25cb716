// One uploaded file from the wire to storage, streaming: its type is decided from its first
// bytes, its size is counted as it arrives (too big → 413, and the partial file is removed by
// storage.put), and images are re-encoded on the way so that what is stored — and hashed,
// and recorded on the case — carries no GPS position and no camera details.
import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sharp } from 'sharp';
import { loadSharp } from './sharpLoader';
import { ACCEPTED_TYPES, detectEvidenceType, HEIC, JPEG, SNIFF_BYTES, type EvidenceFileType } from '../../domain/evidenceFiles';
import { DomainError } from '../../domain/errors';
import { heicToJpeg } from './heic';
import type { EvidenceStorage, StoredFile } from './storage';

export interface IngestedFile extends StoredFile {
  created: boolean;
  /** The type of the stored bytes (a HEIC upload is stored as a JPEG). */
  type: EvidenceFileType;
  /** SHA-256 of the bytes as received (before images are stripped): what a device computes. */
  receivedSha256: string;
}

const tooLarge = (maxBytes: number) =>
  new DomainError('PayloadTooLarge', 'FILE_TOO_LARGE', `the file is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB`);
const badFile = (message: string) => new DomainError('BadInput', 'UNSUPPORTED_FILE', message, { fields: [{ path: 'body.file', message }] });

/** Passes bytes through once it knows their type; counts and hashes them on the way. */
class Gate extends Transform {
  private head: Buffer[] = [];
  private headLength = 0;
  private size = 0;
  private readonly hash = createHash('sha256');
  readonly type: Promise<EvidenceFileType>;
  private settle!: { resolve: (t: EvidenceFileType) => void; reject: (e: Error) => void };
  /** The reason this upload failed, as the client should hear it (not the downstream echo). */
  failure: DomainError | null = null;
  private decided = false;

  constructor(private readonly maxBytes: number) {
    super();
    this.type = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // An unawaited rejection would crash the process; the caller reads `failure` instead.
    this.type.catch(() => undefined);
  }

  private digest: string | null = null;
  /** SHA-256 of every byte received; read once the stream has ended. */
  get receivedSha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }

  /**
   * The source failed (the client went away mid-file): settles `type` if the head had not
   * been judged yet, which would otherwise wait forever for bytes that never come.
   */
  cutOff(): void {
    if (this.failure || this.decided) return;
    this.failure = badFile('the upload was cut off before the file ended');
    this.settle.reject(this.failure);
  }

  private fail(err: DomainError, done: TransformCallback): void {
    this.failure = err;
    this.settle.reject(err);
    done(err);
  }

  /**
   * Judge the first bytes: the type first ("not an accepted type" is the answer that helps,
   * however the bytes were split on the wire), then the size. Only a head that passes both
   * settles `type`, so the caller never builds on a stream that has already failed.
   */
  private decide(done: TransformCallback): boolean {
    const type = detectEvidenceType(Buffer.concat(this.head));
    if (!type) {
      this.fail(badFile(`the file's content is not an accepted type (${ACCEPTED_TYPES}); its name and stated type do not count`), done);
      return false;
    }
    if (this.size > this.maxBytes) {
      this.fail(tooLarge(this.maxBytes), done);
      return false;
    }
    this.decided = true;
    this.settle.resolve(type);
    for (const c of this.head) this.push(c);
    this.head = [];
    return true;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    if (this.headLength < SNIFF_BYTES) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength >= SNIFF_BYTES && !this.decide(done)) return;
      return done();
    }
    if (this.size > this.maxBytes) return this.fail(tooLarge(this.maxBytes), done);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.headLength < SNIFF_BYTES && !this.decide(done)) return;
    done();
  }
}

/** The image re-encoder: EXIF orientation applied to the pixels, then every metadata block dropped. */
async function stripper(type: EvidenceFileType): Promise<Sharp> {
  const sharp = await loadSharp();
  // rotate() with no angle turns the pixels as the EXIF orientation says, so the picture still
  // stands upright once that tag is gone. sharp writes no metadata unless withMetadata is asked.
  const s = sharp({ failOn: 'error' }).rotate();
  if (type.mime === 'image/png') return s.png();
  if (type.mime === 'image/webp') return s.webp({ quality: 90 });
  // Plain libjpeg-turbo: mozjpeg's smaller files cost ~10× the CPU on a 12-megapixel photo.
  return s.jpeg({ quality: 90 });
}

/** At most `n` calls of `fn` run at once; the rest wait in order. */
function slots(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    else active += 1;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, or is freed.
      const next = queue.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/**
 * Images are decoded whole (a 12-megapixel photo is ~36 MB of pixels), so only a few are
 * re-encoded at once; the rest wait with their request bodies unread (TCP holds them back).
 */
const withImageSlot = slots(2);
/**
 * A HEIC decode also holds libheif's WebAssembly memory (≈ 180 MB at the peak for 12 megapixels,
 * 420 MB for two at once), so HEIC photos take one image slot at a time among themselves.
 */
const withHeicSlot = slots(1);

/**
 * Store one file from `source`. Rejects with a DomainError: BadInput (not an accepted type, an
 * image that cannot be decoded) or PayloadTooLarge; nothing is left in storage then.
 */
export async function ingestEvidenceFile(storage: EvidenceStorage, source: Readable, maxBytes: number): Promise<IngestedFile> {
  const gate = new Gate(maxBytes);
  const feeding = pipeline(source, gate).catch(() => gate.cutOff());
  let type: EvidenceFileType;
  try {
    type = await gate.type;
  } catch {
    source.resume();
    await feeding;
    throw gate.failure!;
  }
  const store = async () => {
    let stream: Readable = gate;
    if (type.mime === HEIC.mime) {
      // libheif wants the whole file; the gate has already bounded its size.
      const chunks: Buffer[] = [];
      for await (const c of gate) chunks.push(c as Buffer);
      stream = Readable.from([await heicToJpeg(Buffer.concat(chunks))]);
    } else if (type.family === 'image') {
      const s = await stripper(type);
      gate.on('error', (err) => s.destroy(err));
      stream = gate.pipe(s);
    }
    const stored = await storage.put(stream);
    await feeding;
    return stored;
  };
  try {
    const stored = type.mime === HEIC.mime ? await withHeicSlot(() => withImageSlot(store)) : type.family === 'image' ? await withImageSlot(store) : await store();
    return { ...stored, type: type.mime === HEIC.mime ? JPEG : type, receivedSha256: gate.receivedSha256 };
  } catch (err) {
    // Drain what is left, so the request can still be answered.
    source.resume();
    await feeding;
    if (gate.failure) throw gate.failure;
    if (err instanceof DomainError) throw err;
    if (type.family === 'image') throw badFile('the image cannot be decoded');
    throw err;
  }
}
