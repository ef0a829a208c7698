// Runs the built core under another runtime (Bun, Deno): a cookie session and a server-side session
// each make a round trip. Prints "ok" or throws.
import { createSessions } from '../../dist/index.js';

const secret = 'a-test-secret-that-is-long-enough-0001';
const records = new Map();
const store = {
  name: 'map',
  get: async (id) => (records.has(id) ? JSON.parse(records.get(id)) : undefined),
  set: async (id, record) => void records.set(id, JSON.stringify(record)),
  destroy: async (id) => void records.delete(id),
};

function response() {
  const headers = new Map();
  const cookies = [];
  return {
    cookies,
    getHeader: (name) => headers.get(name.toLowerCase()),
    setHeader: (name, value) => headers.set(name.toLowerCase(), value),
    appendHeader: (_name, value) => cookies.push(value),
  };
}

for (const sessions of [createSessions({ store, secret }), createSessions({ store: 'cookie', secret })]) {
  const first = await sessions.open({ cookie: undefined });
  first.set('count', 41);
  const written = response();
  await sessions.save(first, written);
  const cookie = written.cookies[0].split(';')[0];
  const second = await sessions.open({ cookie });
  if (second.get('count') !== 41) throw new Error(`round trip failed: ${JSON.stringify(second.toJSON())}`);
}
console.log('ok');
