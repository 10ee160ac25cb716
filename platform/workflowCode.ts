// Which workflow code a worker (or a replayer) loads, and which of its modules every
// workflow in a worker thread shares.

/** The case workflows' entry module (workflows/index.ts). */
export const CASE_WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * Modules evaluated once per workflow thread instead of once per workflow (the SDK's
 * `bundlerOptions.preloadModules`). With the reusable V8 context each workflow otherwise
 * evaluates every module it imports into a cache of its own, so each cached case held a
 * copy of every closure and table below (the holiday table, the ladder rules…) and each
 * new or replayed case paid to evaluate them.
 *
 * Only pure modules belong here: no module-level state a workflow can change, and nothing
 * that needs a workflow context (Date.now, workflowInfo, proxyActivities) while loading.
 * The SDK deep-freezes their exports, so an accidental write throws instead of leaking from
 * one workflow to the next. The workflow functions themselves (caseWorkflow.ts…) stay
 * per-workflow. test/unit/workflowCode.test.ts checks this list.
 */
export const SHARED_WORKFLOW_MODULES: readonly string[] = [
  '../domain/types',
  '../domain/holidays',
  '../domain/calendar',
  '../domain/windows',
  '../domain/ladder',
  '../domain/extensions',
  '../workflows/messages',
  '../workflows/searchAttributes',
  '../workflows/caseMachine',
].map((m) => require.resolve(m));

/** Bundler options for the case workflows: shared modules preloaded. */
export const CASE_BUNDLER_OPTIONS = { preloadModules: [...SHARED_WORKFLOW_MODULES] };
