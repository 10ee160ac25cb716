// package-lock.json must list every platform package of @swc/core (a dependency of
// @temporalio/worker), as npm writes them on a full registry. This machine's npm
// registry lacks the non-Linux ones: `npm install` here silently leaves them out,
// and then `npm ci` (here and on any laptop) fails with "Missing: @swc/core-darwin-arm64@
// from lock file". This adds the missing entries (os/cpu tell npm to skip them off-platform).
//   node scripts/fixLockfile.js          fix package-lock.json in place
//   node scripts/fixLockfile.js --check  exit 1 when entries are missing (.ci/run)
const fs = require('fs');
const path = require('path');
const check = process.argv.includes('--check');
const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const core = lock.packages['node_modules/@swc/core'];
const plat = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm-gnueabihf': { os: ['linux'], cpu: ['arm'] },
  'linux-ppc64-gnu': { os: ['linux'], cpu: ['ppc64'], libc: ['glibc'] },
  'linux-s390x-gnu': { os: ['linux'], cpu: ['s390x'], libc: ['glibc'] },
  'win32-arm64-msvc': { os: ['win32'], cpu: ['arm64'] },
  'win32-ia32-msvc': { os: ['win32'], cpu: ['ia32'] },
  'win32-x64-msvc': { os: ['win32'], cpu: ['x64'] },
};
let added = 0;
for (const [name, version] of Object.entries(core.optionalDependencies)) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  if (check) {
    console.error(`package-lock.json lacks ${name}@${version}: run \`node scripts/fixLockfile.js\` and commit the lock file`);
    process.exit(1);
  }
  const p = plat[name.replace('@swc/core-', '')];
  if (!p) throw new Error(`no platform for ${name}`);
  lock.packages[key] = { version, cpu: p.cpu, ...(p.libc ? { libc: p.libc } : {}), license: 'Apache-2.0 AND MIT', optional: true, os: p.os, engines: { node: '>=10' } };
  added++;
}
if (!added) process.exit(0);
// keep npm's key order (sorted)
const sorted = {};
for (const k of Object.keys(lock.packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en')))) sorted[k] = lock.packages[k];
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: added ${added} @swc/core platform entries`);
