// Preloaded into a sample app by the soak test (`node --expose-gc --import <this file> dist/server.js`):
// on SIGUSR2 it runs a full garbage collection and prints the heap still in use, so the heap after
// GC can be sampled from outside without adding a route to the app.
process.on('SIGUSR2', () => {
  globalThis.gc();
  const { heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.stdout.write(`[heap-probe] heap-after-gc ${heapUsed} external ${external} array-buffers ${arrayBuffers}\n`);
});
