// Decodes one HEIC image in a worker thread (features/evidence/heic.ts starts it). libheif runs
// as WebAssembly and decodes synchronously: a 12-megapixel photo would hold the API's event loop
// for seconds, and its WebAssembly memory would stay at its peak for the process's life. Here it
// holds only this thread, and the memory goes when the thread ends. Plain CommonJS, so the
// thread starts the same under tsx, jest and node.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const decode = require('heic-decode');

decode({ buffer: workerData }).then(
  ({ width, height, data }) => parentPort.postMessage({ width, height, data }, [data.buffer]),
  (err) => parentPort.postMessage({ error: String((err && err.message) || err) }),
);
