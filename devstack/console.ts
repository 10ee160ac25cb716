// The web console's build, for `npm start` and the browser tests: built once when
// console/dist is missing (a fresh clone), left alone otherwise (`npm run console:build`
// rebuilds after a change). Vite runs offline: everything it needs is in node_modules.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, runNode } from './processes';

export const CONSOLE_INDEX = path.join(PROJECT_ROOT, 'console', 'dist', 'index.html');

/** Build console/dist unless it is there (or `force`). Resolves to true when it built. */
export async function ensureConsoleBuilt(opts: { log?: (msg: string) => void; force?: boolean } = {}): Promise<boolean> {
  if (!opts.force && existsSync(CONSOLE_INDEX)) return false;
  const vite = path.join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new Error('vite is not installed: run `npm install` (it is a dev dependency) to build the console');
  opts.log?.(opts.force ? 'building the web console' : 'building the web console (console/dist is missing)');
  await runNode([vite, 'build', '--config', path.join(PROJECT_ROOT, 'console', 'vite.config.ts'), '--logLevel', 'warn'], {}, 'vite build', { timeoutMs: 300_000 });
  return true;
}
