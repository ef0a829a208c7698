// Runs the built core under another runtime (Bun, Deno): a cookie session and a server-side session
// each make a round trip, refuse a tampered cookie, and accept cookies made with plain Web Crypto in
// the format of every release (what browsers already hold). Prints "ok" or throws.
import { createSessions } from '../../dist/index.js';

const secret = 'a-test-secret-that-is-long-enough-0001';
const encoder = new TextEncoder();
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

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `cookie` with one character of its value changed. */
function tamper(cookie, index) {
  return cookie.slice(0, index) + (cookie[index] === 'A' ? 'B' : 'A') + cookie.slice(index + 1);
}

for (const sessions of [createSessions({ store, secret }), createSessions({ store: 'cookie', secret })]) {
  const first = await sessions.open({ cookie: undefined });
  first.set('count', 41);
  const written = response();
  await sessions.save(first, written);
  const cookie = written.cookies[0].split(';')[0];
  const second = await sessions.open({ cookie });
  if (second.get('count') !== 41) throw new Error(`round trip failed: ${JSON.stringify(second.toJSON())}`);
  const forged = await sessions.open({ cookie: tamper(cookie, cookie.length - 20) });
  if (forged.get('count') !== undefined) throw new Error('a tampered cookie was accepted');
}

// A server-side session: `id.HMAC-SHA-256(id)`, stored under SHA-256(id).
const hmac = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
const id = base64url(crypto.getRandomValues(new Uint8Array(32)));
const storeId = base64url(await crypto.subtle.digest('SHA-256', encoder.encode(id)));
records.set(storeId, JSON.stringify({ data: { user: 'ada' }, createdAt: Date.now(), expiresAt: Date.now() + 60_000 }));
const signed = `${id}.${base64url(await crypto.subtle.sign('HMAC', hmac, encoder.encode(id)))}`;
const server = await createSessions({ store, secret }).open({ cookie: `sid=${signed}` });
if (server.get('user') !== 'ada') throw new Error('a cookie signed with Web Crypto was not accepted');

// A cookie session: IV ‖ AES-256-GCM(payload, additional data = cookie name) ‖ tag, key from HKDF-SHA-256.
const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
const aes = await crypto.subtle.deriveKey(
  { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('sess'), info: encoder.encode('sess cookie session v1') },
  material,
  { name: 'AES-GCM', length: 256 },
  false,
  ['encrypt'],
);
const iv = crypto.getRandomValues(new Uint8Array(12));
const payload = encoder.encode(JSON.stringify({ d: { user: 'ada' }, c: Date.now(), e: Date.now() + 60_000 }));
const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode('sid') }, aes, payload));
const value = base64url([...iv, ...sealed]);
const client = await createSessions({ store: 'cookie', secret }).open({ cookie: `sid=${value}` });
if (client.get('user') !== 'ada') throw new Error('a cookie encrypted with Web Crypto was not accepted');
console.log('ok');
