// The case workflows' bundle, built once and kept on disk. Bundling (webpack + swc over the
// workflow code and the SDK) costs 5–30 s of CPU on this machine; a worker that did it at every
// start came back from a crash that much later. The cache file is keyed by the bundle options
// and the SDK version, and stamped with a manifest of every file webpack read (its content hash)
// and every path it looked for and did not find: a bundle is reused only while all of them are
// as they were, so a changed workflow, domain module or SDK file rebuilds it, never a stale one.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions, type WorkflowBundle } from '@temporalio/worker';
import { CASE_BUNDLER_OPTIONS, CASE_WORKFLOWS_PATH } from './workflowCode';

/** The project root (platform/..): where the default cache folder lives. */
const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Default cache folder (under .data/, which git ignores). */
export const DEFAULT_BUNDLE_CACHE_DIR = path.join(PROJECT_ROOT, '.data', 'cache', 'workflow-bundle');

export type BundleOrigin = 'cache' | 'built';

export interface CachedBundle {
  bundle: WorkflowBundle;
  origin: BundleOrigin;
  /** Why it was built rather than read (no cache file, which input changed…). */
  reason?: string;
  /** Time spent: checking (and reading) the cache, or bundling (and writing it). */
  ms: number;
}

export interface BundleCacheOptions extends Pick<BundleOptions, 'workflowsPath' | 'preloadModules' | 'workflowInterceptorModules' | 'logger'> {
  /** Folder of the cache files; null: no cache (bundle in memory, as the SDK would). */
  cacheDir: string | null;
}

/** What the manifest beside a cached bundle records. */
export interface BundleManifest {
  key: string;
  /** Every real file webpack read → sha256 of its content. */
  files: Record<string, string>;
  /** Paths webpack looked for and did not find (a file created there would change the bundle). */
  missing: string[];
  /** sha256 of the bundle file: a torn or foreign file is not trusted. */
  codeSha256: string;
  builtAt: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function sdkVersion(): string {
  try {
    return (JSON.parse(readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The cache key: what the bundle is built from besides the files (the options, the bundler). */
export function bundleKey(o: Pick<BundleCacheOptions, 'workflowsPath' | 'preloadModules' | 'workflowInterceptorModules'>): string {
  return sha256(
    JSON.stringify({
      workflowsPath: path.resolve(o.workflowsPath),
      preloadModules: o.preloadModules ?? [],
      workflowInterceptorModules: o.workflowInterceptorModules ?? [],
      sdk: sdkVersion(),
      node: process.versions.node.split('.')[0],
    }),
  ).slice(0, 24);
}

/** Null when the manifest still describes the files on disk; else the first difference found. */
export function staleInput(m: Pick<BundleManifest, 'files' | 'missing'>): string | null {
  for (const [file, hash] of Object.entries(m.files)) {
    let now: string;
    try {
      now = sha256(readFileSync(file));
    } catch {
      return `${file} is gone`;
    }
    if (now !== hash) return `${file} changed`;
  }
  for (const p of m.missing) if (existsSync(p)) return `${p} appeared`;
  return null;
}

/** Read the cached bundle for `key`, or say why it cannot be used. */
function readCached(dir: string, key: string): { code: string } | { stale: string } {
  const manifestFile = path.join(dir, `${key}.json`);
  const codeFile = path.join(dir, `${key}.js`);
  if (!existsSync(manifestFile) || !existsSync(codeFile)) return { stale: 'no cached bundle' };
  let m: BundleManifest;
  try {
    m = JSON.parse(readFileSync(manifestFile, 'utf8')) as BundleManifest;
  } catch {
    return { stale: 'unreadable manifest' };
  }
  if (m.key !== key || typeof m.files !== 'object' || !Array.isArray(m.missing)) return { stale: 'foreign manifest' };
  const why = staleInput(m);
  if (why) return { stale: why };
  const code = readFileSync(codeFile, 'utf8');
  if (sha256(code) !== m.codeSha256) return { stale: 'bundle file does not match its manifest' };
  return { code };
}

/** Write atomically (a temp file renamed): a second worker starting at once never reads half a file. */
function writeAtomically(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** The webpack plugin that collects what a build read: fileDependencies and missingDependencies. */
interface Inputs {
  files: string[];
  missing: string[];
}
function inputCollector(into: Inputs) {
  return {
    apply(compiler: { hooks: { done: { tap(name: string, fn: (stats: { compilation: { fileDependencies: Iterable<string>; missingDependencies: Iterable<string> } }) => void): void } } }) {
      compiler.hooks.done.tap('coe-bundle-inputs', (stats) => {
        into.files = [...stats.compilation.fileDependencies];
        into.missing = [...stats.compilation.missingDependencies];
      });
    },
  };
}

/** Bundle, collecting what webpack read. */
async function build(o: BundleCacheOptions): Promise<{ code: string; inputs: Inputs }> {
  const inputs: Inputs = { files: [], missing: [] };
  const { code } = await bundleWorkflowCode({
    workflowsPath: o.workflowsPath,
    ...(o.preloadModules ? { preloadModules: o.preloadModules } : {}),
    ...(o.workflowInterceptorModules ? { workflowInterceptorModules: o.workflowInterceptorModules } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    webpackConfigHook: (config) => ({ ...config, plugins: [...(config.plugins ?? []), inputCollector(inputs) as never] }),
  });
  return { code, inputs };
}

/** Store a bundle with its manifest (bundle first, manifest last: the manifest is the commit). */
function store(dir: string, key: string, code: string, inputs: Inputs): void {
  const files: Record<string, string> = {};
  for (const f of [...inputs.files].sort()) {
    if (!path.isAbsolute(f)) continue;
    try {
      files[f] = sha256(readFileSync(f));
    } catch {
      /* not on the real disk: the generated entry point lives in webpack's memory (it follows from the key) */
    }
  }
  const manifest: BundleManifest = {
    key,
    files,
    missing: inputs.missing.filter((p) => path.isAbsolute(p)).sort(),
    codeSha256: sha256(code),
    builtAt: new Date().toISOString(),
  };
  mkdirSync(dir, { recursive: true });
  rmSync(path.join(dir, `${key}.json`), { force: true });
  writeAtomically(path.join(dir, `${key}.js`), code);
  writeAtomically(path.join(dir, `${key}.json`), JSON.stringify(manifest));
}

/**
 * The bundle for these options: from the cache when every input is unchanged, else built (and
 * cached). A cache that cannot be read or written is no error: the worker bundles, as it did.
 */
export async function cachedWorkflowBundle(o: BundleCacheOptions): Promise<CachedBundle> {
  const began = Date.now();
  const key = bundleKey(o);
  let reason = 'cache off';
  if (o.cacheDir) {
    try {
      const hit = readCached(o.cacheDir, key);
      if ('code' in hit) return { bundle: { code: hit.code }, origin: 'cache', ms: Date.now() - began };
      reason = hit.stale;
    } catch (err) {
      reason = `cache unreadable: ${(err as Error).message}`;
    }
  }
  const { code, inputs } = await build(o);
  if (o.cacheDir) {
    try {
      store(o.cacheDir, key, code, inputs);
    } catch (err) {
      reason += `; cache not written: ${(err as Error).message}`;
    }
  }
  return { bundle: { code }, origin: 'built', reason, ms: Date.now() - began };
}

/** The cache folder a configuration names: WORKFLOW_BUNDLE_CACHE_DIR, `off` for none, else the default. */
export function bundleCacheDirOf(env: { WORKFLOW_BUNDLE_CACHE_DIR?: string }): string | null {
  const v = env.WORKFLOW_BUNDLE_CACHE_DIR;
  if (v === 'off') return null;
  return v ? path.resolve(v) : DEFAULT_BUNDLE_CACHE_DIR;
}

/** The case workflows' bundle as the worker runs them (shared modules preloaded), cached. */
export function caseWorkflowBundle(o: { cacheDir: string | null; logger?: BundleOptions['logger']; workflowInterceptorModules?: string[] }): Promise<CachedBundle> {
  return cachedWorkflowBundle({ workflowsPath: CASE_WORKFLOWS_PATH, ...CASE_BUNDLER_OPTIONS, ...o });
}
