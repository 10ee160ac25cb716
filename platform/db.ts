// One way to build a Prisma client: the generated client over the pg driver adapter.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { poolConfigFromUrl } from './dbUrl';

export type Db = PrismaClient;

/** A Prisma client on its own pg pool. Call `$disconnect()` to close it. */
export function createDb(url: string, poolMax = 10): Db {
  const adapter = new PrismaPg(poolConfigFromUrl(url, { max: poolMax }));
  return new PrismaClient({ adapter });
}
