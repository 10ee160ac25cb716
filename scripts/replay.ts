// Replays a case's recorded history against the current workflow code and says plainly
// whether it replays cleanly or where it first diverges.
//
//   npm run replay -- GL-20261123-000123              every run of the case: from Temporal,
//                                                     or from the archive table once Temporal
//                                                     no longer has it (or its first runs)
//   npm run replay -- history.json [more.json …]      history files (Temporal's JSON export,
//                                                     or this project's { runs: [...] } / dossier);
//                                                     several files are the runs of one chain, in order
//   options: --timeline          also print the timeline derived from the same history
//            --json              print { ok, divergence?, source, runs } as JSON
//            --workflows=<path>  replay against other workflow code (default: workflows/index.ts),
//                                e.g. a change you are about to ship
//            --strict            also require every activity to get the recorded arguments
//                                (the same facts and deadlines), not only the same commands
//
// Exit code: 0 replays cleanly, 1 diverges, 2 no such case or unreadable input.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { databaseUrl, loadConfig } from '../config/env';
import { isEncrypted, payloadCodecFromConfig } from '../platform/payloadCodec';
import { decodeHistory } from '../platform/historyJson';
import { caseRunsFromJson, decodeRuns, fetchRunChain, loadArchivedRuns, withArchivedEarlierRuns, type CaseRun, type HistorySource } from '../features/audit/caseHistory';
import { createDb } from '../platform/db';
import { describeVerdict, replayHistories } from '../features/audit/replay';
import { connectTemporal, isTemporalUnreachable } from '../platform/temporalConnection';
import { deriveTimeline, formatTimeline } from '../features/audit/timeline';

interface Loaded {
  workflowId: string;
  source: HistorySource | 'FILE';
  runs: CaseRun[];
}

const looksLikeFile = (arg: string) => arg.endsWith('.json') || arg.includes(path.sep) || existsSync(arg);

function fromFiles(files: string[]): Loaded {
  const loaded = files.map((f) => caseRunsFromJson(JSON.parse(readFileSync(f, 'utf8')), path.basename(f).replace(/\.json$/, '')));
  const runs = loaded.flatMap((l) => l.runs).map((r, i) => ({ ...r, runIndex: i }));
  return { workflowId: loaded[0].workflowId.replace(/\.run-\d+$/, ''), source: 'FILE', runs };
}

/** Temporal first (all runs of the chain); the archive when Temporal no longer has the case or cannot be reached. */
async function fromCase(code: string, log: (msg: string) => void): Promise<Loaded | null> {
  const cfg = loadConfig();
  try {
    const temporal = await connectTemporal(cfg, { connectTimeoutMs: 5_000, payloadCodec: replayCodec() });
    try {
      const runs = await fetchRunChain(temporal.client, code);
      if (runs && runs[0].runIndex > 0) return withEarlierRunsFromArchive(code, runs, log);
      if (runs) return { workflowId: code, source: 'TEMPORAL', runs };
      log(`Temporal (${cfg.TEMPORAL_ADDRESS}, namespace ${cfg.TEMPORAL_NAMESPACE}) has no workflow ${code}; trying the archive`);
    } finally {
      await temporal.close();
    }
  } catch (err) {
    if (!isTemporalUnreachable(err)) throw err;
    log(`Temporal at ${cfg.TEMPORAL_ADDRESS} is unreachable; trying the archive`);
  }
  const db = createDb(databaseUrl(cfg), 2);
  try {
    const runs = await loadArchivedRuns(db, code);
    return runs ? { workflowId: code, source: 'ARCHIVE', runs } : null;
  } finally {
    await db.$disconnect();
  }
}

/** Temporal has deleted a long case's first runs (retention): take them from the archive. */
async function withEarlierRunsFromArchive(code: string, live: CaseRun[], log: (msg: string) => void): Promise<Loaded> {
  const db = createDb(databaseUrl(loadConfig()), 2);
  try {
    const { runs, fromArchive } = withArchivedEarlierRuns((await loadArchivedRuns(db, code)) ?? [], live);
    if (runs[0].runIndex > 0) log(`runs 0–${runs[0].runIndex - 1} of ${code} are neither in Temporal nor archived; replaying the rest`);
    return { workflowId: code, source: fromArchive > 0 ? 'ARCHIVE_AND_TEMPORAL' : 'TEMPORAL', runs };
  } finally {
    await db.$disconnect();
  }
}

/**
 * The codec from PAYLOAD_KEYS (or the dev key file). Unlike the API and worker, replaying plain
 * histories needs no key, so production without PAYLOAD_KEYS replays without a codec; an
 * encrypted payload then fails to convert rather than being read.
 */
function replayCodec() {
  const cfg = loadConfig();
  return cfg.NODE_ENV === 'production' && !cfg.PAYLOAD_KEYS ? null : payloadCodecFromConfig(cfg);
}

/** True when some payload of the runs is encrypted (decodeHistory's walk, with a codec that only looks). */
async function anyEncrypted(runs: CaseRun[]): Promise<boolean> {
  let found = false;
  const look = { decode: async <P extends object>(ps: P[]) => ((found ||= ps.some((p) => isEncrypted(p as never))), ps) };
  for (const r of runs) await decodeHistory(r.history, [look]);
  return found;
}

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a) => !a.startsWith('--'));
  const flags = new Set(argv.filter((a) => a.startsWith('--')).map((a) => a.replace(/=.*$/, '')));
  if (args.length === 0 || flags.has('--help')) {
    process.stderr.write('usage: npm run replay -- <case code | history.json …> [--timeline] [--json] [--strict] [--workflows=<path>]\n');
    return 2;
  }
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  // A divergence is this script's answer, not an error to log: core's warnings stay quiet.
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });

  const stored = args.every(looksLikeFile) ? fromFiles(args) : await fromCase(args[0], log);
  if (!stored) {
    log(`no case ${args[0]}: neither Temporal nor the archive has its history`);
    return 2;
  }
  // Histories from Temporal, the archive or an export are encrypted when keys were configured:
  // decoded here with PAYLOAD_KEYS (plain ones pass through), before replay and the timeline.
  const codec = replayCodec();
  if (!codec && (await anyEncrypted(stored.runs))) {
    // Otherwise the replayer reports an unreadable payload as a divergence, which it is not.
    log(`the history of ${stored.workflowId} is encrypted: set PAYLOAD_KEYS to the keys it was written with`);
    return 2;
  }
  const loaded = { ...stored, runs: await decodeRuns(stored.runs, codec ? [codec] : []) };
  const workflowsFlag = argv.find((a) => a.startsWith('--workflows='));
  const verdict = await replayHistories(
    loaded.runs.map((r) => ({ workflowId: loaded.workflowId, runId: r.runId, runIndex: r.runIndex, history: r.history })),
    {
      ...(workflowsFlag ? { workflowsPath: path.resolve(workflowsFlag.slice('--workflows='.length)) } : {}),
      compareActivityInputs: flags.has('--strict'),
    },
  );
  if (flags.has('--json')) {
    process.stdout.write(`${JSON.stringify({ workflowId: loaded.workflowId, source: loaded.source, runs: loaded.runs.length, ...verdict }, null, 2)}\n`);
  } else {
    process.stdout.write(`${loaded.workflowId} (${loaded.runs.length} run${loaded.runs.length === 1 ? '' : 's'}, from ${loaded.source.toLowerCase()}): ${describeVerdict(verdict)}\n`);
  }
  if (flags.has('--timeline')) {
    process.stdout.write(`\n${formatTimeline(deriveTimeline(loaded.runs, { workflowId: loaded.workflowId }))}\n`);
  }
  return verdict.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
