// What the jest global setup hands to the test files. Written as JSON to
// <runDir>/env.json (path in COE_TEST_ENV_FILE) and mirrored in process.env, so
// test workers (forked after global setup) see it either way.
export interface TestRunInfo {
  /** Temp folder of this run: server logs, env.json. Removed at teardown unless KEEP_TEST_RUN_DIR=1. */
  runDir: string;
  /** pid of the jest process that ran global setup (names of throwaway databases). */
  setupPid: number;
  temporalAddress: string;
  namespace: string;
  retentionDays: number;
  databaseUrl: string;
  databaseKind: 'postgres' | 'pglite';
  /** Real PostgreSQL only: URL of the server's `postgres` database, for CREATE/DROP DATABASE. */
  adminDatabaseUrl?: string;
  /** Real PostgreSQL only: migrated template that isolated databases are cloned from. */
  templateDatabase?: string;
  temporalCliPath?: string;
  testServerPath?: string;
}

export const ENV_FILE_VAR = 'COE_TEST_ENV_FILE';

/** Names of this run's throwaway databases all start with this. */
export const testDatabasePrefix = (setupPid: number) => `coe_test_${setupPid}`;
