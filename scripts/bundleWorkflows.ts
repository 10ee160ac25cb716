// npm run workflows:bundle — build the case workflows' bundle into the worker's cache ahead of
// time (an image build, a deploy step), so even the first worker start reads it instead of
// bundling. The worker rebuilds it by itself whenever a workflow source changed.
import { DefaultLogger } from '@temporalio/worker';
import { bundleCacheDirOf, caseWorkflowBundle } from '../platform/workflowBundleCache';

async function main(): Promise<void> {
  const cacheDir = bundleCacheDirOf(process.env);
  if (!cacheDir) throw new Error('WORKFLOW_BUNDLE_CACHE_DIR=off: there is no cache to fill');
  const b = await caseWorkflowBundle({ cacheDir, logger: new DefaultLogger('WARN') });
  console.log(`workflow bundle ${b.origin === 'cache' ? 'already cached and current' : `built (${b.reason})`} in ${cacheDir} (${(b.ms / 1000).toFixed(1)} s)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
