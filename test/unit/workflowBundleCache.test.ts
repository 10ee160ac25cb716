// The worker's workflow bundle cache (platform/workflowBundleCache): reused while every file the
// bundle was built from is unchanged, rebuilt when one changes or the cache file is damaged.
// Bundles a one-line workflow written into a scratch folder inside the project (so that
// @temporalio/workflow resolves from node_modules); a few seconds per build.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { bundleKey, cachedWorkflowBundle, staleInput } from '../../platform/workflowBundleCache';

jest.setTimeout(120_000);

const scratch = path.join(__dirname, '..', '..', '.data', `bundle-cache-test-${process.pid}`);
const cacheDir = path.join(scratch, 'cache');
const wf = path.join(scratch, 'workflows.ts');
const helper = path.join(scratch, 'greeting.ts');
const logger = new DefaultLogger('WARN');

beforeAll(() => {
  mkdirSync(scratch, { recursive: true });
  writeFileSync(helper, "export const greeting = 'hello';\n");
  writeFileSync(wf, "import { greeting } from './greeting';\nexport async function greet(): Promise<string> { return greeting; }\n");
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('builds once, then reads the cache; rebuilds when an imported file changes or the bundle is damaged', async () => {
  const first = await cachedWorkflowBundle({ workflowsPath: wf, cacheDir, logger });
  expect(first).toMatchObject({ origin: 'built', reason: 'no cached bundle' });
  expect(first.bundle.code).toContain('hello');

  const second = await cachedWorkflowBundle({ workflowsPath: wf, cacheDir, logger });
  expect(second.origin).toBe('cache');
  expect(second.bundle.code).toBe(first.bundle.code);

  // A module the workflow imports (not only the entry file) is part of the key.
  writeFileSync(helper, "export const greeting = 'bonjour';\n");
  const third = await cachedWorkflowBundle({ workflowsPath: wf, cacheDir, logger });
  expect(third).toMatchObject({ origin: 'built', reason: `${helper} changed` });
  expect(third.bundle.code).toContain('bonjour');
  expect((await cachedWorkflowBundle({ workflowsPath: wf, cacheDir, logger })).origin).toBe('cache');

  const key = bundleKey({ workflowsPath: wf });
  writeFileSync(path.join(cacheDir, `${key}.js`), 'torn');
  expect(await cachedWorkflowBundle({ workflowsPath: wf, cacheDir, logger })).toMatchObject({ origin: 'built', reason: 'bundle file does not match its manifest' });

  // Other options (preloaded modules) are another bundle under another key.
  expect(bundleKey({ workflowsPath: wf, preloadModules: [helper] })).not.toBe(key);
  // No temp files left behind by the atomic writes.
  expect(readdirSync(cacheDir).sort()).toEqual([`${key}.js`, `${key}.json`]);
});

it('with no cache folder, bundles every time and writes nothing', async () => {
  const b = await cachedWorkflowBundle({ workflowsPath: wf, cacheDir: null, logger });
  expect(b).toMatchObject({ origin: 'built', reason: 'cache off' });
});

it('staleInput names a file that is gone or a path that appeared', () => {
  expect(staleInput({ files: { [path.join(scratch, 'nope.ts')]: 'x' }, missing: [] })).toMatch(/nope\.ts is gone/);
  expect(staleInput({ files: {}, missing: [wf] })).toBe(`${wf} appeared`);
  expect(staleInput({ files: {}, missing: [path.join(scratch, 'absent.ts')] })).toBeNull();
});
