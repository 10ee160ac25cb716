// sharp (libvips: native code, its own thread pool and caches) loaded by the first image that
// needs it, not with the API: most API processes re-encode no photo between restarts, and the
// routes that do (uploads, thumbnails) are already asynchronous.
import type sharp from 'sharp';

let lib: Promise<typeof sharp> | undefined;

/** The sharp module, loaded once on first use. */
export function loadSharp(): Promise<typeof sharp> {
  lib ??= import('sharp').then((m) => m.default);
  return lib;
}
