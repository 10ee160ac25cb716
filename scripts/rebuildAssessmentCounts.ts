// Count every case into the maintained assessment counts (features/assessment/caseCounts):
// the backfill to run once after migration 0013, or a repair. The same per-case refresh the
// recording activity runs, in batches of case codes, so it is safe while cases are recorded.
//
// CLI: npm run assessment:rebuild   (DATABASE_URL, else the running embedded PGlite server)
import { databaseUrl, loadConfig } from '../config/env';
import { rebuildCaseCounts } from '../features/assessment/caseCounts';
import { createDb } from '../platform/db';

if (require.main === module) {
  void (async () => {
    const cfg = loadConfig();
    const db = createDb(databaseUrl(cfg), 2);
    const started = Date.now();
    try {
      const n = await rebuildCaseCounts(db, {
        batch: 1_000,
        onBatch: (done) => {
          if (done % 20_000 === 0) process.stderr.write(`${done} cases counted\n`);
        },
      });
      process.stdout.write(`${JSON.stringify({ cases: n, seconds: Math.round((Date.now() - started) / 100) / 10 })}\n`);
    } finally {
      await db.$disconnect();
    }
  })().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
