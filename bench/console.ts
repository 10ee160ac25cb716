// The console in Chromium against the whole system (`npm run bench:console`; issue 15's
// performance figures). Starts the stack as the browser suite does (scripts/start.ts on free
// ports; here on a throwaway database of the local PostgreSQL, BENCH_DATABASE_URL), puts 1,000
// open cases in the demo grid worker's grid straight into the projection (My work reads only
// the projection; no workflow is needed to show them), and measures:
//  - JavaScript transferred (bytes on the wire, gzip) for the first page after sign-in: the
//    sign-in page, then My work, in one page load; and per page when it is first opened;
//  - the time until My work with 1,000 open cases is interactive: from navigation start until
//    the first row's link is visible and the page's main thread answers (median of RUNS loads);
//  - the case page's time to show its actions (the first action form visible), median;
//  - the API requests each page makes while it loads: every non-asset request from navigation
//    until the page is shown plus 2 s (before the first 5-s poll), grouped by path; a page is
//    "≤ 1 per widget" when no path is asked twice (no duplicate or waterfall of the same read);
//  - conditional polling: on an open case page left alone for 20 s, how many polls were
//    answered 304 and the bytes they carried.
// Writes bench/results/console.json (and keeps console-first-load.json's build-output figure).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { chromium, type Page, type Request, type Response } from 'playwright-core';
import { ensureConsoleBuilt } from '../devstack/console';
import { adminUrlOf, createDatabase, dropDatabase, withAdmin, withDatabase } from '../devstack/databases';
import { freePort, PROJECT_ROOT, spawnManaged, tail, waitUntil } from '../devstack/processes';
import { log, round, runBench, writeResult } from './lib';

const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 5);
const OPEN_CASES = 1_000;
const PASSWORD = 'gulou-demo-2026';
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TARGET_INTERACTIVE_MS = 1_500;
const TARGET_FIRST_LOAD_KB = 300;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Bytes on the wire of every script the page fetched (body as sent, i.e. gzipped). */
function scriptBytes(page: Page): { total: () => Promise<number>; reset: () => void } {
  let seen: Request[] = [];
  page.on('requestfinished', (r) => {
    if (r.resourceType() === 'script') seen.push(r);
  });
  return {
    total: async () => (await Promise.all(seen.map(async (r) => (await r.sizes()).responseBodySize))).reduce((a, b) => a + b, 0),
    reset: () => {
      seen = [];
    },
  };
}

/** API requests (not the console's files) by method and path, while `during` runs. */
async function apiRequests(page: Page, during: () => Promise<void>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const on = (r: Request) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/console') || r.resourceType() === 'document') return;
    const key = `${r.method()} ${u.pathname}`;
    counts[key] = (counts[key] ?? 0) + 1;
  };
  page.on('request', on);
  await during();
  page.off('request', on);
  return counts;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'coe-bench-console-'));
  const dbName = `coe_bench_console_${process.pid}`;
  await withAdmin(adminUrlOf(ADMIN_URL), (c) => createDatabase(c, dbName));
  const dbUrl = withDatabase(ADMIN_URL, dbName);
  await ensureConsoleBuilt({ force: true, log });
  const [apiPort, temporalPort, uiPort, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: dbUrl,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DEV_SERVER: 'true',
    EMBEDDED_PG_PORT: String(pgPort),
    WORKER_METRICS_PORT: '0',
    WORKER_SDK_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
  delete env.NODE_ENV;
  const logFile = path.join(dataDir, 'start.log');
  const stack = spawnManaged('npm start (bench:console)', process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'start.ts')], { env, logFile });
  const base = `http://127.0.0.1:${apiPort}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    await waitUntil('the system (npm start)', async () => (await fetch(`${base}/ready`).catch(() => null))?.ok === true, { timeoutMs: 300_000, intervalMs: 500, proc: stack }).catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${tail(logFile, 40)}`);
      },
    );
    log(`system up at ${base}`);

    // A program session of the demo grid worker (its grid) and a case with a workflow (the case page).
    const login = async (who: string) => {
      const r = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: who, password: PASSWORD, client: 'program' }) });
      return ((await r.json()) as { token: string }).token;
    };
    const worker = await login('demo-grid-worker');
    const me = (await (await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${worker}` } })).json()) as { unitId: string };
    const reporter = await login('demo-reporter');
    const created = await fetch(`${base}/cases`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${reporter}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: me.unitId }, description: '性能测试：案件页' }),
    });
    const { code } = (await created.json()) as { code: string };

    // 1,000 open cases held by the grid, deadlines spread over the next days.
    const pg = new Client({ connectionString: dbUrl });
    await pg.connect();
    const unit = await pg.query<{ districtId: string; streetId: string; communityId: string }>(
      `SELECT c."parentId" AS "communityId", s."id" AS "streetId", s."parentId" AS "districtId"
         FROM "OrgUnit" g JOIN "OrgUnit" c ON c.id = g."parentId" JOIN "OrgUnit" s ON s.id = c."parentId" WHERE g.id = $1`,
      [me.unitId],
    );
    const u = unit.rows[0]!;
    await pg.query(
      `INSERT INTO "Case" (code, "workflowId", channel, "categoryCode", triage, "districtId", "streetId", "communityId", "gridId", description, status, level,
                           "assigneeUnitId", "dueAt", overdue, "reportedAt", "updatedAt")
       SELECT 'BENCH-' || lpad(i::text, 5, '0'), 'bench-' || i, 'HOTLINE', 'CG-002', 'BIG', $1, $2, $3, $4, '性能测试：第 ' || i || ' 件在办案件',
              CASE WHEN i % 3 = 0 THEN 'ACCEPTED' WHEN i % 3 = 1 THEN 'IN_PROGRESS' ELSE 'REPORTED' END, 'GRID', $4,
              now() + (i * interval '7 minutes') - interval '1 hour', i < 9, now() - (i * interval '3 minutes'), now()
         FROM generate_series(1, ${OPEN_CASES}) AS i`,
      [u.districtId, u.streetId, u.communityId, me.unitId],
    );
    await pg.end();
    log(`${OPEN_CASES} open cases in ${me.unitId}; case page: ${code}`);

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    const scripts = scriptBytes(page);

    // First load: the sign-in page, then My work in the same page load.
    await page.goto(`${base}/console/`);
    await page.getByLabel('账号').fill('demo-grid-worker');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('me').waitFor();
    await page.getByRole('link', { name: /^BENCH-|^GL-/ }).first().waitFor();
    const firstLoadBytes = await scripts.total();

    // My work with 1,000 open cases, signed in (a reload keeps the cookie): until interactive.
    const myWork: number[] = [];
    const perPageRequests: Record<string, Record<string, number>> = {};
    for (let i = 0; i < RUNS; i++) {
      const counts = await apiRequests(page, async () => {
        await page.goto(`${base}/console/`);
        await page.getByRole('link', { name: /^BENCH-|^GL-/ }).first().waitFor();
        // evaluate runs when the main thread is free: the page answers input from here on.
        myWork.push(await page.evaluate(() => performance.now()));
        await page.waitForTimeout(2_000);
      });
      if (i === 0) perPageRequests['My work'] = counts;
    }
    const shown = await page.locator('.coe-vtable tbody tr[aria-rowindex]').count();
    const totalText = await page.getByText(/显示 \d+ 件/).textContent();

    // The case page: until its actions show.
    const caseTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const counts = await apiRequests(page, async () => {
        await page.goto(`${base}/console/cases/${code}`);
        await page.locator('[data-testid^="form-"]').first().waitFor();
        caseTimes.push(await page.evaluate(() => performance.now()));
        await page.waitForTimeout(2_000);
      });
      if (i === 0) perPageRequests.Case = counts;
    }

    // Conditional polling on the open case page, left alone.
    const polls: Array<{ status: number; bytes: number }> = [];
    const onPoll = (res: Response) => {
      if (!new URL(res.url()).pathname.startsWith('/cases/') || res.request().resourceType() !== 'fetch') return;
      polls.push({ status: res.status(), bytes: Number(res.headers()['content-length'] ?? 0) });
    };
    page.on('response', onPoll);
    await page.waitForTimeout(20_000);
    page.off('response', onPoll);

    // The other pages, as the roles that see them: requests and JS per page when first opened.
    const others: Array<[string, string, string, string]> = [
      ['Inbox', 'demo-deputy-leader', '/inbox', 'h1'],
      ['Board', 'demo-command-center', '/board', '[data-testid="board-open"]'],
      ['Assessment', 'demo-command-center', '/assessment', '[data-testid^="rank-"]'],
      ['Administration', 'demo-admin', '/admin', 'tr.ant-table-row'],
      ['Audit', 'demo-auditor', `/cases/${code}/audit`, 'h1'],
    ];
    const pageScriptKB: Record<string, number> = {};
    for (const [name, who, at, ready] of others) {
      const c2 = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
      const p2 = await c2.newPage();
      await p2.goto(`${base}/console/`);
      await p2.getByLabel('账号').fill(who);
      await p2.getByLabel('密码').fill(PASSWORD);
      await p2.getByRole('button', { name: '登录' }).click();
      await p2.getByTestId('me').waitFor();
      const s2 = scriptBytes(p2);
      s2.reset();
      perPageRequests[name] = await apiRequests(p2, async () => {
        await p2.goto(`${base}/console${at}`);
        await p2.locator(ready).first().waitFor();
        await p2.waitForTimeout(2_000);
      });
      pageScriptKB[name] = round((await s2.total()) / 1024, 1);
      await c2.close();
    }
    await ctx.close();

    const repeated = Object.fromEntries(Object.entries(perPageRequests).map(([p, c]) => [p, Object.entries(c).filter(([, n]) => n > 1).map(([k]) => k)]));
    const result = {
      bench: 'console',
      at: new Date().toISOString(),
      machine: `${os.cpus().length} CPU, ${os.cpus()[0]?.model ?? '?'}`,
      runs: RUNS,
      firstPageAfterSignIn: { scriptTransferredKB: round(firstLoadBytes / 1024, 1), targetKB: TARGET_FIRST_LOAD_KB, withinTarget: firstLoadBytes <= TARGET_FIRST_LOAD_KB * 1024 },
      myWork: {
        openCasesInUnit: OPEN_CASES + 1,
        rowsShown: shown,
        shownText: totalText,
        interactiveMs: { median: round(median(myWork), 0), all: myWork.map((x) => round(x, 0)) },
        targetMs: TARGET_INTERACTIVE_MS,
        withinTarget: median(myWork) < TARGET_INTERACTIVE_MS,
      },
      casePage: { actionsShownMs: { median: round(median(caseTimes), 0), all: caseTimes.map((x) => round(x, 0)) } },
      conditionalPolling: {
        idleSeconds: 20,
        polls: polls.length,
        notModified: polls.filter((p) => p.status === 304).length,
        bodyBytes: polls.reduce((s, p) => s + p.bytes, 0),
      },
      scriptKBWhenFirstOpened: pageScriptKB,
      apiRequestsPerPageLoad: perPageRequests,
      pathsAskedTwiceWhileLoading: repeated,
      atMostOnePerWidget: Object.values(repeated).every((r) => r.length === 0),
    };
    console.log(JSON.stringify(result, null, 2));
    log(`written to ${writeResult('console.json', result)}`);
  } finally {
    await browser.close().catch(() => undefined);
    await stack.stop(90_000);
    await withAdmin(adminUrlOf(ADMIN_URL), (c) => dropDatabase(c, dbName)).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench('bench:console', 20, main);
