// Preloaded into the Prisma CLI (`node -r ./scripts/prismaFastExit.js …/prisma/build/index.js`).
// Prisma 6's WebAssembly schema engine arms a 10 s timer it never clears, so
// every `migrate deploy` lingers ~10 s after its work is done. Long timers are
// unref'd here: they still fire while the process has work, but no longer keep
// a finished process alive.
const { promisify } = require('node:util');

const original = global.setTimeout;
function setTimeoutUnrefLong(fn, ms, ...args) {
  const timer = original(fn, ms, ...args);
  if (typeof ms === 'number' && ms >= 5000 && timer && typeof timer.unref === 'function') timer.unref();
  return timer;
}
setTimeoutUnrefLong[promisify.custom] = original[promisify.custom];
global.setTimeout = setTimeoutUnrefLong;
