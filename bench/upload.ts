// npm run bench:upload — evidence uploads through the real API (multipart, streamed to the
// evidence storage, recorded on the case by its workflow):
//  1. a fresh dev server, database, case worker and API (as bench:intake starts them);
//  2. cases made ready for evidence through the API (report, accept, respond SELF);
//  3. one 20 MB document at a time → single-stream MB/s;
//  4. ten at once, at 2 MB and at 20 MB → aggregate MB/s and the API's peak RSS over its
//     idle RSS: streaming means the growth must not follow the file size (the ratio of the
//     20 MB growth to the 2 MB growth is printed; buffering would make it ~10×);
//  5. ten phone photos (4000×3000 JPEG) at once: re-encoded without their metadata on the way;
//  6. ten iPhone photos (4032×3024 HEIC) at once: decoded in a worker thread, stored as JPEG.
// Writes bench/results/upload.json. Env: BENCH_FILES (10), BENCH_FILE_MB (20), BENCH_LOG_LEVEL.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { loadConfig } from '../config/env';
import type { Role } from '../domain/types';
import { signAccessToken } from '../features/auth/auth';
import { createDb } from '../platform/db';
import { apiNodeArgs, freePort, waitUntil } from '../devstack/processes';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../devstack/services';
import { ensureNamespace } from '../scripts/ensureNamespace';
import { CASE_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import { Client, Connection } from '@temporalio/client';
import {
  createBenchDatabase,
  envNumber,
  log,
  machineInfo,
  procRssMb,
  round,
  runBench,
  spawnTs,
  stackEnv,
  startDevServer,
  tempDir,
  track,
  waitForPoller,
  waitForQuietMachine,
  writeResult,
} from './lib';

const FILES = envNumber('BENCH_FILES', 10);
const FILE_MB = envNumber('BENCH_FILE_MB', 20);
const SMALL_MB = Math.max(1, Math.round(FILE_MB / 10));
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const MB = 1024 * 1024;

/** Samples a process's RSS every 50 ms; `peak` since the last reset. */
class RssSampler {
  private timer: NodeJS.Timeout;
  peak = 0;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 50);
  }
  sample(): number {
    const rss = procRssMb(this.pid) ?? 0;
    this.peak = Math.max(this.peak, rss);
    return rss;
  }
  reset(): number {
    this.peak = 0;
    return this.sample();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** A PDF-typed file of `bytes` bytes (stored as sent: no re-encoding), different each time. */
function document(bytes: number): Buffer {
  const b = Buffer.alloc(bytes, 0x20);
  Buffer.from('%PDF-1.4\n').copy(b);
  randomBytes(64).copy(b, 16);
  return b;
}

runBench('bench:upload', envNumber('BENCH_MAX_MINUTES', 10), async () => {
  const cfg = loadConfig({ ...process.env, DATABASE_URL: undefined, LOG_LEVEL });
  const namespace = cfg.TEMPORAL_NAMESPACE;
  const dir = tempDir('coe-bench-upload-');
  const machine = await machineInfo();
  const quietAtStart = await waitForQuietMachine();

  const server = await startDevServer(dir, 'main', DEV_SERVER_SQLITE_PRAGMAS, namespace);
  const connection = await Connection.connect({ address: server.address });
  track('close Temporal client', () => connection.close());
  const client = new Client({ connection, namespace });
  await ensureNamespace(connection, { namespace, retentionDays: cfg.TEMPORAL_RETENTION_DAYS, searchAttributes: CASE_SEARCH_ATTRIBUTES, log: (m) => log(m) });
  const db = await createBenchDatabase(dir);
  const apiPort = await freePort();
  const childEnv = stackEnv(
    { server, namespace, taskQueue: cfg.TEMPORAL_TASK_QUEUE, db, logLevel: LOG_LEVEL },
    {
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      API_RATE_LIMIT_PER_MINUTE: '10000000',
      JWT_SECRET: `bench-${process.pid}-${Date.now()}-0123456789abcdef0123456789`,
      // Other stacks on the machine may hold the default metrics ports.
      WORKER_METRICS_PORT: '0',
      WORKER_SDK_METRICS_PORT: '0',
      EVIDENCE_DIR: path.join(dir, 'evidence'),
      EVIDENCE_MAX_FILE_MB: String(FILE_MB + 1),
    },
  );
  const childCfg = loadConfig(childEnv);
  const worker = spawnTs('worker', 'worker/main.ts', childEnv, path.join(dir, 'worker.log'));
  const api = spawnTs('api', 'api/main.ts', childEnv, path.join(dir, 'api.log'), apiNodeArgs(childCfg.API_HEAP_MB));
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  await Promise.all([
    waitForPoller(client, childCfg.TEMPORAL_TASK_QUEUE, { proc: worker, activities: true }),
    waitUntil('API /ready', async () => (await fetch(`${baseUrl}/ready`)).status === 200, { timeoutMs: 120_000, intervalMs: 300, proc: api }),
  ]);

  // ── cases ready for evidence, one per upload so the per-case limit never counts ──
  const prisma = createDb(db.url, 2);
  track('disconnect prisma', () => prisma.$disconnect());
  const grid = (await prisma.orgUnit.findFirstOrThrow({ where: { kind: 'GRID' }, orderBy: { id: 'asc' } })).id;
  const person = async (role: Role, unitId?: string) =>
    prisma.person.findFirstOrThrow({ where: { role, active: true, ...(unitId ? { unitId } : {}) }, orderBy: { id: 'asc' } });
  const reporter = `Bearer ${await signAccessToken(childCfg, await person('REPORTER'))}`;
  const gridWorker = `Bearer ${await signAccessToken(childCfg, await person('GRID_WORKER', grid))}`;
  const category = (await prisma.matterCategory.findFirstOrThrow({ where: { active: true }, orderBy: { code: 'asc' } })).code;
  const post = async (p: string, auth: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${p}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
    if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { code: string };
  };
  const needed = FILES * 5 + 4;
  log(`making ${needed} cases ready for evidence…`);
  const codes: string[] = [];
  for (let i = 0; i < needed; i++) {
    const { code } = await post('/cases', reporter, { channel: 'HOTLINE', categoryCode: category, location: { gridId: grid }, description: `上传压测 ${i}` });
    await post(`/cases/${code}/accept`, gridWorker);
    await post(`/cases/${code}/respond`, gridWorker, { decision: 'SELF' });
    codes.push(code);
  }
  let next = 0;
  const upload = async (file: Buffer, kind: string, type: string, name: string) => {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', new Blob([file], { type }), name);
    const t = performance.now();
    const code = codes[next++];
    const res = await fetch(`${baseUrl}/cases/${code}/evidence/files`, { method: 'POST', headers: { authorization: gridWorker }, body: form }).catch((err: Error) => {
      throw new Error(`upload to ${code}: ${err.message} (${String((err.cause as Error | undefined)?.message ?? err.cause)})`);
    });
    const ms = performance.now() - t;
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return ms;
  };

  const rss = new RssSampler(api.pid);
  track('stop RSS sampler', async () => rss.stop());
  const settle = async () => {
    // Let the API's garbage collector and the socket buffers calm down between phases.
    await new Promise((r) => setTimeout(r, 1500));
  };

  // ── one at a time ──
  await upload(document(MB), 'DOCUMENT', 'application/pdf', 'warm.pdf');
  await settle();
  const serialMs: number[] = [];
  for (let i = 0; i < 3; i++) serialMs.push(await upload(document(FILE_MB * MB), 'DOCUMENT', 'application/pdf', 'one.pdf'));
  const single = { fileMb: FILE_MB, uploads: 3, mbPerSec: round((3 * FILE_MB) / (serialMs.reduce((a, b) => a + b, 0) / 1000), 1), msEach: serialMs.map((x) => round(x)) };
  log(`one at a time: ${single.mbPerSec} MB/s (${single.msEach.join(', ')} ms per ${FILE_MB} MB)`);

  // ── ten at once, small then large ──
  const concurrent = async (fileMb: number) => {
    const files = Array.from({ length: FILES }, () => document(fileMb * MB));
    await settle();
    const idle = rss.reset();
    const t = performance.now();
    const ms = await Promise.all(files.map((f) => upload(f, 'DOCUMENT', 'application/pdf', 'many.pdf')));
    const wallS = (performance.now() - t) / 1000;
    const r = {
      files: FILES,
      fileMb,
      wallS: round(wallS, 2),
      aggregateMbPerSec: round((FILES * fileMb) / wallS, 1),
      slowestMs: round(Math.max(...ms)),
      apiIdleRssMb: round(idle),
      apiPeakRssMb: round(rss.peak),
      apiRssGrowthMb: round(rss.peak - idle),
    };
    log(`${FILES} × ${fileMb} MB at once: ${r.aggregateMbPerSec} MB/s, API RSS ${r.apiIdleRssMb} → ${r.apiPeakRssMb} MB (+${r.apiRssGrowthMb})`);
    return r;
  };
  const small = await concurrent(SMALL_MB);
  const large = await concurrent(FILE_MB);

  // ── phone photos: re-encoded on the way ──
  const photoLeg = async (photo: Buffer, type: string, name: string, pixels: string) => {
    await settle();
    const idle = rss.reset();
    const t = performance.now();
    const ms = await Promise.all(Array.from({ length: FILES }, () => upload(photo, 'PHOTO', type, name)));
    const wallS = (performance.now() - t) / 1000;
    const r = {
      files: FILES,
      type,
      photoMb: round(photo.length / MB, 2),
      pixels,
      wallS: round(wallS, 2),
      photosPerSec: round(FILES / wallS, 2),
      slowestMs: round(Math.max(...ms)),
      apiIdleRssMb: round(idle),
      apiPeakRssMb: round(rss.peak),
      apiRssGrowthMb: round(rss.peak - idle),
    };
    log(`${FILES} ${type} photos (${r.photoMb} MB, ${pixels}) at once: ${r.photosPerSec}/s, API RSS +${r.apiRssGrowthMb} MB`);
    return r;
  };
  const jpeg = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#777777', noise: { type: 'gaussian', mean: 120, sigma: 30 } } })
    .jpeg({ quality: 85 })
    .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Bench' } })
    .toBuffer();
  const photos = await photoLeg(jpeg, 'image/jpeg', 'p.jpg', '4000x3000');
  // An iPhone's HEIC (4032×3024 with Make, Model and GPS in its EXIF; made with pillow-heif, since
  // nothing here encodes HEVC): decoded in a worker thread, stored as a JPEG.
  const heic = readFileSync(path.join(__dirname, 'fixtures', 'iphone-12mp.heic'));
  const heicPhotos = await photoLeg(heic, 'image/heic', 'IMG_0001.HEIC', '4032x3024');

  const growthRatio = small.apiRssGrowthMb > 0 ? round(large.apiRssGrowthMb / small.apiRssGrowthMb, 2) : null;
  const result = {
    bench: 'upload',
    at: new Date().toISOString(),
    machine,
    quietAtStart,
    database: db.kind,
    storage: 'disk (EVIDENCE_DIR in a temp dir)',
    single,
    concurrentSmall: small,
    concurrentLarge: large,
    /** Growth of the API's RSS with 10× larger files, as a ratio: ~1 when streaming, ~10 when buffering. */
    rssGrowthRatioLargeOverSmall: growthRatio,
    /** The target: memory must not grow with file size. */
    streaming: large.apiRssGrowthMb < FILES * FILE_MB * 0.5,
    photos,
    heicPhotos,
  };
  const out = writeResult('upload.json', result);
  log(`memory growth ${FILE_MB} MB vs ${SMALL_MB} MB files: ×${growthRatio}; wrote ${out}`);
});
