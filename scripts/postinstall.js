// npm postinstall: generate the Prisma client (generated/prisma is git-ignored).
// Plain JS: it runs before anything else is set up. The schema reads
// env("DATABASE_URL"), and Prisma 6 treats a missing variable as an invalid
// schema (then tries to download native engines, which fails offline), so a
// placeholder is supplied when unset; generate never connects to it.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

let cli;
try {
  cli = require.resolve('prisma/build/index.js', { paths: [path.resolve(__dirname, '..')] });
} catch {
  console.warn('[postinstall] prisma CLI not installed (production install?): skipping prisma generate');
  process.exit(0);
}
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres' };
const res = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env, cwd: path.resolve(__dirname, '..') });
process.exit(res.status ?? 1);
