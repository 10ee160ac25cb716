// multipart/form-data with one or more files, streamed: each file part is handed to the
// route's handler while it arrives (nothing is buffered whole), one after the other in the
// order sent. Text fields must come before the files (as `curl -F` and phones send them),
// so the route can refuse a bad form before a byte is stored.
//
// Whatever happens, the whole body is read (or the connection is gone) before the promise
// settles, and every file the handler finished is in `results`, so the route can remove
// what a refused request stored: a half-uploaded form leaves nothing behind.
import busboy from 'busboy';
import type { Request } from 'express';
import { PassThrough, type Readable } from 'node:stream';
import { httpErrors } from './errors';

/** A text field; a repeated field (photoUrls) becomes a list. */
export type FormFields = Record<string, string | string[]>;

export interface FormFile {
  /** The part's field name. */
  name: string;
  /** The text fields received before this file. */
  fields: FormFields;
  file: Readable;
}

export interface ReceivedForm<T> {
  fields: FormFields;
  /** What the handler returned for each file it finished, in order. */
  results: T[];
  /** The first refusal (the handler's, or the form's own); null when all went well. */
  error: unknown;
}

export interface FormLimits {
  /** The field names a file may come under; a file under any other name is refused. */
  fileFields: readonly string[];
  maxFiles: number;
  /** Bytes per file; the handler's own size check sees the first byte over and refuses. */
  maxBytes: number;
  /** The refusal for one file too many (a 409 or 400 in the route's words). */
  tooManyFiles: () => Error;
}

const MAX_FIELDS = 40;
/** A description of 2000 CJK characters is 6000 bytes of UTF-8. */
const MAX_FIELD_BYTES = 16 * 1024;

export function isMultipart(req: Request): boolean {
  return !!req.is('multipart/form-data');
}

/** Parse a multipart body, handing each file part to `onFile` in turn (see the module comment). */
export function receiveForm<T>(req: Request, limits: FormLimits, onFile: (f: FormFile) => Promise<T>): Promise<ReceivedForm<T>> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { files: limits.maxFiles, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, fileSize: limits.maxBytes + 1 },
      });
    } catch {
      reject(httpErrors.unsupportedMediaType('send the form as multipart/form-data'));
      return;
    }
    const fields: FormFields = {};
    const results: T[] = [];
    let error: unknown = null;
    const fail = (e: unknown) => {
      error ??= e;
    };
    let filesSeen = 0;
    // Files are handled strictly one after the other: the next waits (its bytes held back by
    // TCP) until the one before is stored.
    let chain: Promise<void> = Promise.resolve();

    bb.on('field', (name, value, info) => {
      if (filesSeen > 0) fail(httpErrors.validation([{ path: `body.${name}`, message: 'send the text fields before the files' }]));
      if (info.valueTruncated) fail(httpErrors.validation([{ path: `body.${name}`, message: `longer than ${MAX_FIELD_BYTES} bytes` }]));
      const had = fields[name];
      fields[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
    });
    bb.on('fieldsLimit', () => fail(httpErrors.validation([{ path: 'body', message: `at most ${MAX_FIELDS} text fields` }])));
    bb.on('filesLimit', () => fail(limits.tooManyFiles()));
    bb.on('file', (name, stream) => {
      filesSeen += 1;
      if (!limits.fileFields.includes(name)) {
        fail(httpErrors.validation([{ path: `body.${name}`, message: `unexpected file field: send files as ${limits.fileFields.map((f) => `"${f}"`).join(' or ')}` }]));
      }
      // The handler reads a stream of its own. When it gives up midway (a refusal destroys what
      // it reads), busboy's stream is unpiped and drained, never destroyed: busboy waits forever
      // to push into a destroyed stream, and the request would never end. A body cut off
      // mid-file fails the handler's stream, so storage removes the partial file.
      const file = new PassThrough();
      const drain = () => {
        stream.unpipe(file);
        stream.resume();
      };
      file.once('close', drain);
      stream.once('error', (err) => file.destroy(err));
      stream.pipe(file);
      const snapshot = { ...fields };
      chain = chain.then(async () => {
        if (error) {
          file.destroy();
          return;
        }
        try {
          results.push(await onFile({ name, fields: snapshot, file }));
        } catch (err) {
          fail(err);
        } finally {
          drain();
        }
      });
    });
    const finish = () => {
      chain.then(() => resolve({ fields, results, error }), reject);
    };
    bb.on('error', (err) => {
      fail(httpErrors.validation([{ path: 'body', message: `malformed multipart body: ${(err as Error).message}` }]));
      finish();
    });
    bb.on('close', finish);
    // A client that goes away mid-upload: busboy is never told the body ended, so tell it.
    req.once('close', () => {
      if (!req.complete) bb.destroy(new Error('the upload was cut off'));
    });
    req.pipe(bb);
  });
}
