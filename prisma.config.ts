// Prisma runs its schema engine on WebAssembly through the pg driver adapter,
// so generate/migrate never download a native engine (see docs/ARCHITECTURE.md).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from './platform/dbUrl';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
  experimental: { adapter: true },
  engine: 'js',
  // allowExitOnIdle: the CLI never closes the adapter's pool, so without it every
  // `migrate deploy` waits out pg's 10 s idle timeout before exiting.
  adapter: async () =>
    new PrismaPg(poolConfigFromUrl(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres', { allowExitOnIdle: true })),
});
