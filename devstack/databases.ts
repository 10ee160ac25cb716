// Throwaway databases on a real PostgreSQL server, named `<family>_<pid>…` after the
// process that owns them, so a later run can tell a killed run's leftovers (owner gone)
// from a live one's. The tests use a family of their own (test/setup):
//   coe_test_<pid>_tpl   migrated once, never connected to afterwards (a template);
//   coe_test_<pid>       the run's shared database, cloned from the template;
//   coe_test_<pid>_<x>   isolated databases for test files that need their own
//                        (see isolatedDatabase() in test/setup/env.ts), cloned the same way;
// the benchmarks another (`coe_bench_<pid>[_n]`, bench/lib.ts). Leftovers are only
// judged by their owner's pid on a local server: a remote server's pids are not ours.
import { Client } from 'pg';
import { poolConfigFromUrl } from '../platform/dbUrl';
import { alive, type Log } from './processes';

/** The same server's `postgres` database (for CREATE/DROP DATABASE). */
export function adminUrlOf(url: string): string {
  return withDatabase(url, 'postgres');
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Whether the server is on this machine (then a database's owner pid can be checked). */
export const isLocalServer = (url: string) => ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(new URL(url).hostname);

const ident = (name: string) => {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return `"${name}"`;
};

/** Run `fn` with a connection to `url` (normally a server's `postgres` database), closed afterwards. */
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

/** CREATE DATABASE `name` (from `template` when given). */
export async function createDatabase(client: Client, name: string, template?: string): Promise<void> {
  await client.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ''}`);
}

export async function cloneDatabase(adminUrl: string, template: string, name: string): Promise<string> {
  await withAdmin(adminUrl, async (c) => {
    await dropDatabase(c, name);
    await createDatabase(c, name, template);
  });
  return withDatabase(adminUrl, name);
}

/**
 * Drop the databases of `family` (`<family>_<pid>…`) that are `mine` (a name this run is
 * about to use again) or, on a local server, whose owner pid is gone (a killed run's).
 */
export async function dropLeftoverDatabases(
  c: Client,
  o: { family: string; serverUrl: string; mine: (name: string) => boolean; what: string; log: Log },
): Promise<void> {
  const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${o.family.replace(/_/g, '\\_')}\\_%`]);
  const ownerOf = new RegExp(`^${o.family}_(\\d+)`);
  for (const { datname } of rows) {
    const owner = Number(ownerOf.exec(datname)?.[1]);
    if (o.mine(datname) || (isLocalServer(o.serverUrl) && owner && !alive(owner))) {
      o.log(`dropping leftover ${o.what} ${datname}`);
      await dropDatabase(c, datname);
    }
  }
}

/**
 * A run's databases on the server of `baseUrl`: `<prefix>_tpl` created and migrated once,
 * `<prefix>` cloned from it. Leftovers of `family` are dropped first.
 */
export async function createTemplatedDatabases(
  baseUrl: string,
  o: { family: string; prefix: string; migrate: (url: string) => Promise<unknown>; what: string; log: Log },
): Promise<{ databaseUrl: string; adminDatabaseUrl: string; templateDatabase: string }> {
  const adminDatabaseUrl = adminUrlOf(baseUrl);
  const template = `${o.prefix}_tpl`;
  await withAdmin(adminDatabaseUrl, async (c) => {
    // Ours from an earlier run that reused this pid, or a killed run's on this machine.
    await dropLeftoverDatabases(c, {
      family: o.family,
      serverUrl: baseUrl,
      mine: (name) => name === o.prefix || name.startsWith(`${o.prefix}_`),
      what: o.what,
      log: o.log,
    });
    await createDatabase(c, template);
  });
  await o.migrate(withDatabase(adminDatabaseUrl, template));
  const databaseUrl = await cloneDatabase(adminDatabaseUrl, template, o.prefix);
  return { databaseUrl, adminDatabaseUrl, templateDatabase: template };
}

/** Drop `prefix` and every `<prefix>_…` database (a run's shared, template and isolated ones). */
export async function dropDatabasesWithPrefix(adminUrl: string, prefix: string): Promise<string[]> {
  return withAdmin(adminUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [
      prefix,
      `${prefix}\\_%`,
    ]);
    for (const { datname } of rows) await dropDatabase(c, datname);
    return rows.map((r) => r.datname);
  });
}
