// HEIC/HEIF photos (iPhones shoot them by default) are decoded to pixels in a worker thread and
// stored as a JPEG: the prebuilt sharp decodes no HEVC, and storing the HEIC as sent would keep
// its GPS position and camera. The pixels carry no metadata, so nothing of it survives; libheif
// applies the image's rotation and mirroring (irot/imir) while decoding, so the JPEG stands upright.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadSharp } from './sharpLoader';

/** A photo that takes longer than this to decode is refused rather than left holding a thread. */
const DECODE_TIMEOUT_MS = 60_000;

interface Decoded {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

function decodeInThread(heic: Buffer): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(path.join(__dirname, 'heicDecodeThread.cjs'), { workerData: heic });
    const timer = setTimeout(() => {
      void thread.terminate();
      reject(new Error(`HEIC decode took longer than ${DECODE_TIMEOUT_MS} ms`));
    }, DECODE_TIMEOUT_MS);
    thread.once('message', (m: Decoded | { error: string }) => {
      clearTimeout(timer);
      void thread.terminate();
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    });
    thread.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The JPEG (quality 90, no metadata) of a HEIC image's primary picture. Rejects when it cannot be decoded. */
export async function heicToJpeg(heic: Buffer): Promise<Buffer> {
  const { width, height, data } = await decodeInThread(heic);
  const pixels = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // A transparent pixel (rare in a photo) becomes white, as a viewer would show it.
  const sharp = await loadSharp();
  return sharp(pixels, { raw: { width, height, channels: 4 } }).flatten({ background: '#ffffff' }).jpeg({ quality: 90 }).toBuffer();
}
