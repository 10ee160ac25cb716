// What an evidence file is, decided from its first bytes (magic numbers), never from the name
// or the Content-Type a phone sends: both are the client's claim, and a renamed text file must
// not be served back as an image. Pure, so the rules are unit-tested without any file.

/** The families the API accepts; images are re-encoded (metadata stripped) before storage. */
export type EvidenceFamily = 'image' | 'audio' | 'video' | 'pdf';

export interface EvidenceFileType {
  family: EvidenceFamily;
  mime: string;
  /** File name extension for downloads (no dot). */
  ext: string;
}

/**
 * HEIC/HEIF, what iPhones and many Android phones shoot: accepted, but never stored as sent —
 * it is decoded and stored as a JPEG without metadata (features/evidence/heic.ts), so what is
 * stored, served and hashed is always a type every browser shows.
 */
export const HEIC: EvidenceFileType = { family: 'image', mime: 'image/heic', ext: 'heic' };
/** The type a HEIC upload is stored as. */
export const JPEG: EvidenceFileType = { family: 'image', mime: 'image/jpeg', ext: 'jpg' };

/** Bytes detectEvidenceType needs to decide: read at least this many before asking. */
export const SNIFF_BYTES = 64;

const ascii = (b: Uint8Array, at: number, s: string): boolean => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};
const bytes = (b: Uint8Array, at: number, xs: number[]): boolean => b.length >= at + xs.length && xs.every((x, i) => b[at + i] === x);

/** ISO base media (mp4, mov, m4a, heic): the `ftyp` box's major brand decides the family. */
function isoBrand(b: Uint8Array): string | null {
  if (!ascii(b, 4, 'ftyp') || b.length < 12) return null;
  return String.fromCharCode(b[8]!, b[9]!, b[10]!, b[11]!);
}

/** The type of a file from its first bytes, or null when it is not one the API accepts. */
export function detectEvidenceType(head: Uint8Array): EvidenceFileType | null {
  if (bytes(head, 0, [0xff, 0xd8, 0xff])) return JPEG;
  if (bytes(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { family: 'image', mime: 'image/png', ext: 'png' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return { family: 'image', mime: 'image/webp', ext: 'webp' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return { family: 'audio', mime: 'audio/wav', ext: 'wav' };
  if (ascii(head, 0, '%PDF-')) return { family: 'pdf', mime: 'application/pdf', ext: 'pdf' };
  if (ascii(head, 0, '#!AMR\n')) return { family: 'audio', mime: 'audio/amr', ext: 'amr' };
  // MP3: an ID3v2 tag, or a bare MPEG audio frame sync (11 set bits, layer III).
  if (ascii(head, 0, 'ID3')) return { family: 'audio', mime: 'audio/mpeg', ext: 'mp3' };
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe6) === 0xe2) return { family: 'audio', mime: 'audio/mpeg', ext: 'mp3' };
  const brand = isoBrand(head);
  if (brand !== null) {
    if (brand === 'M4A ' || brand === 'M4B ') return { family: 'audio', mime: 'audio/mp4', ext: 'm4a' };
    if (brand === 'qt  ') return { family: 'video', mime: 'video/quicktime', ext: 'mov' };
    // HEIF images and image sequences (mif1/msf1 are the generic HEIF brands).
    if (/^(heic|heix|heim|heis|hevc|hevx|mif1|msf1)$/.test(brand)) return HEIC;
    if (/^(isom|iso[2-9]|mp41|mp42|avc1|dash|3gp[4-9]|3g2[a-c]|MSNV|M4V )$/.test(brand)) return { family: 'video', mime: 'video/mp4', ext: 'mp4' };
  }
  return null;
}

/** The sentence a refused upload carries. */
export const ACCEPTED_TYPES = 'JPEG, PNG, WebP or HEIC images; MP3, M4A, AMR or WAV recordings; MP4 or MOV videos; PDF documents';

/**
 * A download name that reveals nothing about the people on the case: the case code, the
 * evidence kind and a short hash, e.g. GL-20261122-000123-photo-3f2a9c1b.jpg. Nothing of the
 * client's own file name survives (it is often a resident's name or phone number).
 */
export function evidenceFileName(code: string, kind: string, sha256: string, ext: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9-]/g, '');
  return `${safe(code)}-${safe(kind).toLowerCase()}-${safe(sha256).slice(0, 8).toLowerCase()}.${safe(ext)}`;
}

/** The evidence kind a file of this type is recorded as when nobody names one (files sent with a report). */
export function evidenceKindOf(type: EvidenceFileType): 'PHOTO' | 'RECORDING' | 'VIDEO' | 'DOCUMENT' {
  return ({ image: 'PHOTO', audio: 'RECORDING', video: 'VIDEO', pdf: 'DOCUMENT' } as const)[type.family];
}

/** Images are shown in the page; everything else is downloaded, so a browser never runs it. */
export const dispositionOf = (type: EvidenceFileType): 'inline' | 'attachment' => (type.family === 'image' ? 'inline' : 'attachment');

/** Whether a string is a lower-case SHA-256 in hex (a path segment the storage may use). */
export const isSha256 = (s: string): boolean => /^[0-9a-f]{64}$/.test(s);
