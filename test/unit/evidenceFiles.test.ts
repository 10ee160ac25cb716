// The evidence file rules that need no file: type from magic bytes, safe download names.
import { detectEvidenceType, dispositionOf, evidenceFileName, isSha256 } from '../../domain/evidenceFiles';

const b = (...xs: Array<number | string>) =>
  Buffer.concat(xs.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from([x]))));
/** An ISO base media file's first box with this major brand. */
const ftyp = (brand: string) => b(0, 0, 0, 0x18, 'ftyp', brand, 0, 0, 0, 0, 'isom');

describe('detectEvidenceType', () => {
  it.each([
    ['JPEG', b(0xff, 0xd8, 0xff, 0xe1, 'Exif'), 'image/jpeg', 'jpg'],
    ['PNG', b(0x89, 'PNG\r\n', 0x1a, '\n', 0, 0, 0, 13, 'IHDR'), 'image/png', 'png'],
    ['WebP', b('RIFF', 0, 0, 0, 0, 'WEBPVP8 '), 'image/webp', 'webp'],
    ['WAV', b('RIFF', 0, 0, 0, 0, 'WAVEfmt '), 'audio/wav', 'wav'],
    ['MP3 with ID3', b('ID3', 4, 0, 0), 'audio/mpeg', 'mp3'],
    ['bare MP3 frame', b(0xff, 0xfb, 0x90, 0x64), 'audio/mpeg', 'mp3'],
    ['AMR', b('#!AMR\n', 0x3c), 'audio/amr', 'amr'],
    ['M4A', ftyp('M4A '), 'audio/mp4', 'm4a'],
    ['MP4', ftyp('isom'), 'video/mp4', 'mp4'],
    ['MP4 (mp42)', ftyp('mp42'), 'video/mp4', 'mp4'],
    ['MOV', ftyp('qt  '), 'video/quicktime', 'mov'],
    ['PDF', b('%PDF-1.7\n'), 'application/pdf', 'pdf'],
    ['HEIC (iPhone)', ftyp('heic'), 'image/heic', 'heic'],
    ['HEIF (generic brand)', ftyp('mif1'), 'image/heic', 'heic'],
  ])('%s', (_name, head, mime, ext) => {
    expect(detectEvidenceType(head)).toMatchObject({ mime, ext });
  });

  it('decides by content, not by any name: text, HTML, SVG, ZIP, an EXE and nothing at all are refused', () => {
    for (const head of [b('hello, this is not a photo'), b('<!doctype html><script>'), b('<svg xmlns='), b('PK', 3, 4), b('MZ', 0x90, 0), b(), ftyp('avis'), ftyp('crx ')]) {
      expect(detectEvidenceType(head)).toBeNull();
    }
  });

  it('families: images inline, everything else as an attachment', () => {
    expect(dispositionOf(detectEvidenceType(b(0xff, 0xd8, 0xff))!)).toBe('inline');
    expect(dispositionOf(detectEvidenceType(b('%PDF-'))!)).toBe('attachment');
    expect(dispositionOf(detectEvidenceType(ftyp('isom'))!)).toBe('attachment');
  });
});

describe('evidenceFileName', () => {
  const sha = 'ab12cd34'.repeat(8);
  it('is the case code, the kind and a short hash: nothing of the client file name', () => {
    expect(evidenceFileName('GL-20261122-000123', 'PHOTO', sha, 'jpg')).toBe('GL-20261122-000123-photo-ab12cd34.jpg');
  });
  it('cannot be used to break out of a header or a path', () => {
    const name = evidenceFileName('GL-1"; x=../../etc/passwd\r\n', 'PHO TO/..', sha, 'p"df');
    expect(name).toMatch(/^[A-Za-z0-9-]+\.[A-Za-z0-9]+$/);
    expect(name).toBe('GL-1xetcpasswd-photo-ab12cd34.pdf');
  });
});

it('isSha256 accepts 64 lower-case hex digits only', () => {
  expect(isSha256('a'.repeat(64))).toBe(true);
  expect(isSha256('A'.repeat(64))).toBe(false);
  expect(isSha256('../' + 'a'.repeat(61))).toBe(false);
  expect(isSha256('a'.repeat(63))).toBe(false);
});
