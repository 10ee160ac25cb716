// Throwaway databases on a real PostgreSQL (when DATABASE_URL is set for tests):
//   coe_test_<pid>_tpl   migrated once, never connected to afterwards (a template);
//   coe_test_<pid>       the run's shared database, cloned from the template;
//   coe_test_<pid>_<x>   isolated databases for test files that need their own
//                        (see isolatedDatabase() in env.ts), cloned the same way.
// All are dropped at teardown; leftovers of killed runs on a local server are
// dropped at the next run.
import { Client } from 'pg';
import { poolConfigFromUrl } from '../../platform/dbUrl';
import { testDatabasePrefix } from './shared';

type Log = (msg: string) => void;

/** The same server's `postgres` database (for CREATE/DROP DATABASE). */
export function adminUrlOf(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const ident = (name: string) => {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return `"${name}"`;
};

export async function withAdmin<T>(adminUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...poolConfigFromUrl(adminUrl), connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot connect to PostgreSQL at ${adminUrl.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function dropDatabase(client: Client, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
}

export async function cloneDatabase(adminUrl: string, template: string, name: string): Promise<string> {
  await withAdmin(adminUrl, async (c) => {
    await dropDatabase(c, name);
    await c.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)}`);
  });
  return withDatabase(adminUrl, name);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isLocal = (url: string) => ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(new URL(url).hostname);

export async function createTestDatabases(
  baseUrl: string,
  pid: number,
  migrate: (url: string) => Promise<unknown>,
  log: Log,
): Promise<{ databaseUrl: string; adminDatabaseUrl: string; templateDatabase: string }> {
  const adminDatabaseUrl = adminUrlOf(baseUrl);
  const prefix = testDatabasePrefix(pid);
  const template = `${prefix}_tpl`;
  await withAdmin(adminDatabaseUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'coe\\_test\\_%'`);
    for (const { datname } of rows) {
      const owner = Number(/^coe_test_(\d+)/.exec(datname)?.[1]);
      // Ours from an earlier run that reused this pid, or a killed run's on this machine.
      if (datname.startsWith(`${prefix}_`) || datname === prefix || (isLocal(baseUrl) && owner && !alive(owner))) {
        log(`dropping leftover test database ${datname}`);
        await dropDatabase(c, datname);
      }
    }
    await c.query(`CREATE DATABASE ${ident(template)}`);
  });
  await migrate(withDatabase(adminDatabaseUrl, template));
  const databaseUrl = await cloneDatabase(adminDatabaseUrl, template, prefix);
  return { databaseUrl, adminDatabaseUrl, templateDatabase: template };
}

/** Drop every database of the run (shared, template, isolated). */
export async function dropTestDatabases(adminUrl: string, pid: number): Promise<string[]> {
  const prefix = testDatabasePrefix(pid);
  return withAdmin(adminUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [
      prefix,
      `${prefix}\\_%`,
    ]);
    for (const { datname } of rows) await dropDatabase(c, datname);
    return rows.map((r) => r.datname);
  });
}
