// The console's first-load JavaScript, from the build output (console/dist; built first when
// missing): what a browser fetches to show My work to a person already signed in — the entry
// script of index.html and every chunk it imports statically (its modulepreload links) — and,
// for a person signing in on that same page load, the sign-in page's lazy chunk and its
// imports too. Sizes are gzip level 9, as Vite reports them. Target (issue 15): ≤ 300 KB.
// Prints its figures and writes bench/results/console-first-load.json.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureConsoleBuilt } from '../devstack/console';
import { CONSOLE_DIST } from '../api/console';
import { round, writeResult } from './lib';

const TARGET_KB = 300;

const kb = (bytes: number) => round(bytes / 1024, 2);

/** A chunk and every chunk it imports statically (`from"./x.js"`, `import"./x.js"`), by file name. */
function closure(assets: string, start: string, seen = new Set<string>()): Set<string> {
  if (seen.has(start)) return seen;
  seen.add(start);
  const code = readFileSync(path.join(assets, start), 'utf8');
  for (const m of code.matchAll(/(?:from|import)\s*["'`]\.\/([\w.-]+\.js)["'`]/g)) closure(assets, m[1]!, seen);
  return seen;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(CONSOLE_DIST, 'index.html'))) await ensureConsoleBuilt({ force: true, log: (m) => console.error(m) });
  const assets = path.join(CONSOLE_DIST, 'assets');
  const html = readFileSync(path.join(CONSOLE_DIST, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\/console\/assets\/([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error('no entry script in console/dist/index.html');
  const gz = (f: string) => gzipSync(readFileSync(path.join(assets, f)), { level: 9 }).length;

  const signedIn = closure(assets, entry);
  // The sign-in page is a lazy chunk of the entry: import("./SignIn-….js").
  const signInChunk = /import\(["'`]\.\/(SignIn-[\w-]+\.js)["'`]\)/.exec(readFileSync(path.join(assets, entry), 'utf8'))?.[1];
  const withSignIn = signInChunk ? closure(assets, signInChunk, new Set(signedIn)) : signedIn;

  const sum = (files: Set<string>) => [...files].reduce((s, f) => s + gz(f), 0);
  const chunks = (files: Set<string>) => [...files].map((f) => ({ file: f, gzipKB: kb(gz(f)) })).sort((a, b) => b.gzipKB - a.gzipKB);
  const result = {
    bench: 'console-first-load',
    at: new Date().toISOString(),
    targetKB: TARGET_KB,
    myWorkSignedInGzipKB: kb(sum(signedIn)),
    myWorkAfterSigningInOnThePageGzipKB: kb(sum(withSignIn)),
    withinTarget: sum(withSignIn) <= TARGET_KB * 1024,
    chunks: chunks(withSignIn),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${writeResult('console-first-load.json', result)}`);
}

void main();
