// Count every case into the maintained assessment counts (features/assessment/caseCounts).
//   npm run assessment:rebuild            the backfill after migration 0013: bulk, into the
//                                         empty tables, before workers record again
//   npm run assessment:rebuild -- --live  a repair: the recording activity's per-case refresh,
//                                         in batches of case codes, safe while cases are recorded
// After migration 0018 (issue 16: new metrics; it empties the tables) or 0020 (clock pauses; it takes
// the cases with a pause out of them) run the --live form once:
// workers may already have counted some cases again, and the bulk form only fills empty tables.
// Both end by counting the month markers again (migration 0019; writers wait meanwhile), which
// repairs months left unbalanced by states written without their open spans.
// Reads DATABASE_URL (else the running embedded PGlite server).
import { databaseUrl, loadConfig } from '../config/env';
import { backfillCaseCounts, rebuildCaseCounts, recountMonthMarkers } from '../features/assessment/caseCounts';
import { createDb } from '../platform/db';

if (require.main === module) {
  void (async () => {
    const cfg = loadConfig();
    const db = createDb(databaseUrl(cfg), 2);
    const started = Date.now();
    try {
      const progress = (done: number) => process.stderr.write(`${done} cases counted\n`);
      const n = process.argv.includes('--live')
        ? await rebuildCaseCounts(db, { batch: 500, onBatch: (done) => { if (done % 20_000 === 0) progress(done); } })
        : await backfillCaseCounts(db, { chunk: 25_000, onChunk: progress });
      await recountMonthMarkers(db);
      process.stdout.write(`${JSON.stringify({ cases: n, seconds: Math.round((Date.now() - started) / 100) / 10 })}\n`);
    } finally {
      await db.$disconnect();
    }
  })().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
