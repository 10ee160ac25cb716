import type { PoolConfig } from 'pg';

/**
 * Split a postgres URL into separate pool fields. The Prisma adapter builds its
 * shadow database by overriding `database`, which a `connectionString` would defeat.
 */
export function poolConfigFromUrl(url: string, extra: PoolConfig = {}): PoolConfig {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || 'postgres',
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    ...extra,
  };
}
