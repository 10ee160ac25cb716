// The reporter's fields inside a workflow history's payloads (the case's start input, the
// recordCase activity's arguments…): masked for the audit endpoints' readers, anonymised in
// the archive by the retention run. The rewrite keeps every payload's structure, so an
// anonymised history still replays (the workflow issues the same commands from it).
import type { History } from '../../platform/historyJson';
import { mapHistoryPayloads, type PayloadLike } from '../../platform/historyJson';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { isEncrypted } from '../../platform/payloadCodec';
import { maskField, rewriteReporterData, type ReporterField } from '../../domain/personalData';
import { scrubFreeTextFields } from '../../domain/personalText';

const JSON_ENCODING = 'json/plain';
const utf8 = new TextEncoder();
const fromUtf8 = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');

/**
 * One plain JSON payload with its reporter fields replaced (and its free text scrubbed, when a
 * scrubber is given); the same object when it holds neither.
 */
function rewritePlain(p: PayloadLike, replace: (f: ReporterField, v: string) => string, scrubText?: (text: string) => string): PayloadLike {
  if (fromUtf8(p.metadata?.encoding) !== JSON_ENCODING || !p.data) return p;
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(p.data));
  } catch {
    return p;
  }
  const withoutReporter = rewriteReporterData(value, replace);
  const rewritten = scrubText ? scrubFreeTextFields(withoutReporter, scrubText) : withoutReporter;
  if (rewritten === value) return p;
  return { metadata: { ...(p.metadata ?? {}) }, data: utf8.encode(JSON.stringify(rewritten)) };
}

/**
 * The history with every reporter field replaced by `replace`. Encrypted payloads are
 * decrypted with `codec`, rewritten and encrypted again (under its current key); `changed`
 * counts the payloads rewritten. `scrubText` (the retention run's) also erases personal data
 * written into free text (domain/personalText). Without a codec, an encrypted payload is an
 * error: the retention run must not report a history clean that it could not read.
 */
export async function rewriteReporterInHistory(
  history: History,
  replace: (f: ReporterField, v: string) => string,
  codec: PayloadCodec | null,
  scrubText?: (text: string) => string,
): Promise<{ history: History; changed: number }> {
  let changed = 0;
  const out = await mapHistoryPayloads(history, async (p) => {
    if (isEncrypted(p as Payload)) {
      if (!codec) throw new Error('an encrypted history payload and no PAYLOAD_KEYS to read it');
      const [plain] = await codec.decode([p as Payload]);
      const rewritten = rewritePlain(plain, replace, scrubText);
      if (rewritten === plain) return p;
      changed++;
      // Encrypted again, under the current key (a rotation's old keys stop being needed here).
      const [sealed] = await codec.encode([rewritten as Payload]);
      return sealed;
    }
    const rewritten = rewritePlain(p, replace, scrubText);
    if (rewritten !== p) changed++;
    return rewritten;
  });
  return { history: out, changed };
}

/** A decoded history as a reader without the right to the reporter in full sees it. */
export async function maskReporterInHistory(history: History): Promise<History> {
  return (await rewriteReporterInHistory(history, maskField, null)).history;
}
