// Make the system's namespace exist with the configured retention and the case
// search attributes. Idempotent: run at every start and in the test setup.
//
// CLI: tsx scripts/ensureNamespace.ts   (reads TEMPORAL_* from the environment)
import type { SearchAttributeKey, SearchAttributeType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import type { Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';

type Services = Pick<Connection, 'workflowService' | 'operatorService'> | Pick<NativeConnection, 'workflowService' | 'operatorService'>;

export interface EnsureNamespaceOptions {
  namespace: string;
  retentionDays: number;
  searchAttributes?: readonly SearchAttributeKey<SearchAttributeType>[];
  log?: (msg: string) => void;
}

export interface EnsureNamespaceResult {
  created: boolean;
  retentionUpdated: boolean;
  retentionDays: number;
  addedSearchAttributes: string[];
}

// google.rpc codes
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;

const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};
const TYPE_NAME: Record<number, string> = Object.fromEntries(Object.entries(INDEXED_VALUE_TYPE).map(([k, v]) => [v, k]));

const codeOf = (err: unknown): number | undefined => {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
};

const secondsOf = (d: temporal.api.namespace.v1.INamespaceConfig['workflowExecutionRetentionTtl']): number =>
  d?.seconds == null ? 0 : Number(d.seconds.toString());

export async function ensureNamespace(connection: Services, opts: EnsureNamespaceOptions): Promise<EnsureNamespaceResult> {
  const log = opts.log ?? (() => undefined);
  const { namespace } = opts;
  const retentionSeconds = opts.retentionDays * 86_400;
  const result: EnsureNamespaceResult = {
    created: false,
    retentionUpdated: false,
    retentionDays: opts.retentionDays,
    addedSearchAttributes: [],
  };

  let current: temporal.api.workflowservice.v1.IDescribeNamespaceResponse | undefined;
  try {
    current = await connection.workflowService.describeNamespace({ namespace });
  } catch (err) {
    if (codeOf(err) !== NOT_FOUND) throw err;
  }

  if (!current) {
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        description: 'Grid governance cases',
        workflowExecutionRetentionPeriod: msToTs(retentionSeconds * 1000),
      });
      result.created = true;
      log(`namespace ${namespace} registered (retention ${opts.retentionDays} days)`);
    } catch (err) {
      if (codeOf(err) !== ALREADY_EXISTS) throw err; // raced with another process
    }
    current = await describeWhenVisible(connection, namespace);
  }

  const have = secondsOf(current.config?.workflowExecutionRetentionTtl);
  result.retentionDays = have / 86_400;
  if (have !== retentionSeconds) {
    try {
      await connection.workflowService.updateNamespace({
        namespace,
        config: { workflowExecutionRetentionTtl: msToTs(retentionSeconds * 1000) },
      });
      result.retentionUpdated = true;
      result.retentionDays = opts.retentionDays;
      log(`namespace ${namespace}: retention ${have / 86_400} → ${opts.retentionDays} days`);
    } catch (err) {
      const code = codeOf(err);
      if (code !== PERMISSION_DENIED && code !== UNIMPLEMENTED) throw err;
      log(`namespace ${namespace}: cannot update retention here (${(err as Error).message}); it stays ${have / 86_400} days`);
    }
  }

  const wanted = opts.searchAttributes ?? [];
  if (wanted.length) result.addedSearchAttributes = await ensureSearchAttributes(connection, namespace, wanted, log);
  return result;
}

/**
 * Register the attributes missing on `namespace`; returns the names it added.
 * Servers without ListSearchAttributes (the Java time-skipping test server)
 * get one AddSearchAttributes per attribute, ALREADY_EXISTS meaning "there".
 */
export async function ensureSearchAttributes(
  connection: Services,
  namespace: string,
  wanted: readonly SearchAttributeKey<SearchAttributeType>[],
  log: (msg: string) => void = () => undefined,
): Promise<string[]> {
  let existing: Record<string, number> | undefined;
  try {
    // A namespace registered a moment ago can still be NOT_FOUND here (the
    // operator service's namespace cache lags the registry): retry briefly.
    const list = await retryNotFound(() => connection.operatorService.listSearchAttributes({ namespace }));
    existing = { ...(list.customAttributes as Record<string, number>), ...(list.systemAttributes as Record<string, number>) };
  } catch (err) {
    const code = codeOf(err);
    if (code === PERMISSION_DENIED) {
      // Temporal Cloud has no operator service: attributes are managed in its console.
      log(`search attributes cannot be managed here (${(err as Error).message}); register them by other means`);
      return [];
    }
    if (code !== UNIMPLEMENTED) throw err;
  }
  const missing: Record<string, number> = {};
  for (const key of wanted) {
    const type = INDEXED_VALUE_TYPE[key.type];
    const have = existing?.[key.name];
    if (have === undefined) missing[key.name] = type;
    else if (have !== type) {
      throw new Error(`search attribute ${key.name} exists on ${namespace} as ${TYPE_NAME[have] ?? have}, expected ${key.type}`);
    }
  }
  const added: string[] = [];
  const batches = existing ? [missing] : Object.entries(missing).map(([k, v]) => ({ [k]: v }));
  for (const batch of batches) {
    if (!Object.keys(batch).length) continue;
    try {
      await retryNotFound(() => connection.operatorService.addSearchAttributes({ namespace, searchAttributes: batch }));
      added.push(...Object.keys(batch));
    } catch (err) {
      const code = codeOf(err);
      if (code === ALREADY_EXISTS) continue; // raced, or a server that cannot list them
      if (code === PERMISSION_DENIED || code === UNIMPLEMENTED) {
        log(`search attributes cannot be added here (${(err as Error).message})`);
        return added;
      }
      throw err;
    }
  }
  if (added.length) {
    log(`namespace ${namespace}: search attributes added: ${added.join(', ')}`);
    await waitUntilQueryable(connection, namespace, wanted.filter((k) => added.includes(k.name)));
  }
  return added;
}

// google.rpc INVALID_ARGUMENT: what a query naming an attribute the server does not know yet gets.
const INVALID_ARGUMENT = 3;

/** A value of each type for a probe query (the query only has to parse and validate). */
const PROBE_VALUE: Record<SearchAttributeType, string> = {
  TEXT: '"probe"',
  KEYWORD: '"probe"',
  INT: '0',
  DOUBLE: '0',
  BOOL: 'false',
  DATETIME: '"2000-01-01T00:00:00Z"',
  KEYWORD_LIST: '"probe"',
};

/**
 * A server that caches search attributes (DEV_SERVER_DYNAMIC_CONFIG, or any production
 * cluster) may refuse attributes added a moment ago until its cache refreshes: wait until a
 * query naming them all validates, so the first case started afterwards is not refused.
 */
async function waitUntilQueryable(connection: Services, namespace: string, keys: readonly SearchAttributeKey<SearchAttributeType>[], forMs = 90_000): Promise<void> {
  if (!keys.length) return;
  const query = keys.map((k) => `${k.name} = ${PROBE_VALUE[k.type]}`).join(' AND ');
  const deadline = Date.now() + forMs;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (err) {
      const code = codeOf(err);
      if (code === UNIMPLEMENTED || code === PERMISSION_DENIED) return; // cannot check here; the attributes were accepted
      if ((code !== INVALID_ARGUMENT && code !== NOT_FOUND) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function retryNotFound<T>(fn: () => Promise<T>, forMs = 30_000): Promise<T> {
  const deadline = Date.now() + forMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (codeOf(err) !== NOT_FOUND || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A just-registered namespace can take a moment to reach the frontend's cache. */
async function describeWhenVisible(connection: Services, namespace: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await connection.workflowService.describeNamespace({ namespace });
    } catch (err) {
      if (codeOf(err) !== NOT_FOUND || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

if (require.main === module) {
  void (async () => {
    const { loadConfig } = await import('../config/env');
    const { connectTemporal } = await import('../platform/temporalConnection');
    const { CASE_SEARCH_ATTRIBUTES } = await import('../workflows/searchAttributes');
    const cfg = loadConfig();
    const { connection, close } = await connectTemporal(cfg);
    try {
      const res = await ensureNamespace(connection, {
        namespace: cfg.TEMPORAL_NAMESPACE,
        retentionDays: cfg.TEMPORAL_RETENTION_DAYS,
        searchAttributes: cfg.TEMPORAL_SEARCH_ATTRIBUTES ? CASE_SEARCH_ATTRIBUTES : [],
        log: (m) => process.stderr.write(`${m}\n`),
      });
      process.stdout.write(`${JSON.stringify(res)}\n`);
    } finally {
      await close();
    }
  })().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
