// Demo bearer tokens: one active person of each role, signed with the configured secret.
// `npm start` prints them; run alone with `npx tsx scripts/demoTokens.ts`.
import { databaseUrl, loadConfig, type AppConfig } from '../config/env';
import { ROLES, type Role } from '../domain/types';
import { signAccessToken } from '../features/auth/auth';
import { createDb, type Db } from '../platform/db';

export interface DemoToken {
  role: Role;
  personId: string;
  name: string;
  unitId: string;
  token: string;
}

/** A token for the first active person (by id) of every role that has one. */
export async function demoTokens(db: Pick<Db, 'person'>, cfg: AppConfig): Promise<DemoToken[]> {
  const people = await db.person.findMany({
    where: { active: true },
    select: { id: true, name: true, role: true, unitId: true },
    orderBy: { id: 'asc' },
  });
  const out: DemoToken[] = [];
  for (const role of ROLES) {
    const p = people.find((x) => x.role === role);
    if (!p) continue;
    out.push({ role, personId: p.id, name: p.name, unitId: p.unitId, token: await signAccessToken(cfg, p) });
  }
  return out;
}

/** The tokens as text lines for a terminal. */
export function formatDemoTokens(tokens: readonly DemoToken[]): string {
  if (tokens.length === 0) return 'No active people: seed the database first (npx prisma db seed).';
  const width = Math.max(...tokens.map((t) => t.role.length));
  return tokens
    .map((t) => `${t.role.padEnd(width)}  ${t.personId} (${t.name}, ${t.unitId})\n${' '.repeat(width)}  Authorization: Bearer ${t.token}`)
    .join('\n');
}

if (require.main === module) {
  (async () => {
    const cfg = loadConfig();
    const db = createDb(databaseUrl(cfg), 2);
    try {
      process.stdout.write(`${formatDemoTokens(await demoTokens(db, cfg))}\n`);
    } finally {
      await db.$disconnect();
    }
  })().catch((err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
