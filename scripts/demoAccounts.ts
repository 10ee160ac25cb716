// The "sign in with" lines `npm start` prints: the demo accounts (login + password per role)
// and a curl example with a cookie jar. Development only: the seed creates no demo accounts
// in production, and the API refuses to start there while one is active.
// Run alone with `npx tsx scripts/demoAccounts.ts`.
import { databaseUrl, loadConfig } from '../config/env';
import { DEMO_PASSWORD, listDemoAccounts, type DemoAccount } from '../features/auth/demoAccounts';
import { createDb } from '../platform/db';

/** Text lines for a terminal; empty when there are no demo accounts. */
export function formatSignInLines(accounts: readonly DemoAccount[], apiUrl: string): string[] {
  if (accounts.length === 0) return [];
  const width = Math.max(...accounts.map((a) => a.login.length));
  const reporter = accounts.find((a) => a.role === 'REPORTER') ?? accounts[0];
  return [
    'Sign in with (demo accounts, development only):',
    ...accounts.map((a) => `  ${a.login.padEnd(width)}  password ${DEMO_PASSWORD}  ${a.role} ${a.personId} (${a.name}, ${a.unitId})`),
    'Browser-style session with a cookie jar (state-changing requests need the X-CSRF-Token from the answer):',
    `  curl -s -c jar.txt -H 'Content-Type: application/json' -d '{"login":"${reporter.login}","password":"${DEMO_PASSWORD}"}' ${apiUrl}/auth/login`,
    `  curl -s -b jar.txt ${apiUrl}/me`,
    'Programs: add "client":"program" to the login body and send the returned token as Authorization: Bearer <token>.',
  ];
}

if (require.main === module) {
  (async () => {
    const cfg = loadConfig();
    const db = createDb(databaseUrl(cfg), 2);
    try {
      const lines = formatSignInLines(await listDemoAccounts(db), `http://${cfg.API_HOST}:${cfg.API_PORT}`);
      process.stdout.write(`${lines.length ? lines.join('\n') : 'No demo accounts: seed the database outside production first (npx prisma db seed).'}\n`);
    } finally {
      await db.$disconnect();
    }
  })().catch((err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
