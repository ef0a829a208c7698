// Compares the two record layouts considered for @sess/store-redis: one JSON string per session
// (patched by a Lua script through cjson) and one hash per session (one field per top-level key).
// Usage: node bench/record-layout.mjs   (REDIS_URL defaults to redis://127.0.0.1:6379)
import { Redis } from 'ioredis';

const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `sess-bench-${process.pid}:`;
const sessions = 200;
const operations = 40_000;
const concurrency = 50;

const data = {
  user: { id: 48213, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'editor'], locale: 'en-GB' },
  csrf: 'h3XbW0t7kqPz0cJ3b8M2yZ1f5rT9uV4w',
  cart: Array.from({ length: 16 }, (_, index) => ({ sku: `SKU-${1000 + index}`, quantity: index + 1, price: 19.99 + index })),
  preferences: { theme: 'dark', timezone: 'Europe/London', newsletter: true, density: 'compact' },
  lastVisited: ['/products/42', '/cart', '/checkout/shipping', '/account/orders'],
  flash: [],
  visits: 17,
  returnTo: '/checkout/payment',
  experiment: { name: 'checkout-v2', bucket: 'B', enrolledAt: 1732140000000 },
};
console.log(`session size: ${JSON.stringify(data).length} bytes of JSON, ${Object.keys(data).length} top-level keys`);

client.defineCommand('benchJsonPatch', {
  numberOfKeys: 1,
  lua: `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
local change = cjson.decode(ARGV[2])
for key, value in pairs(change.set) do record.data[key] = value end
for _, key in ipairs(change.unset) do record.data[key] = nil end
record.expiresAt = tonumber(ARGV[1])
redis.call('SET', KEYS[1], cjson.encode(record), 'PXAT', ARGV[1])
return 1`,
});
client.defineCommand('benchHashPatch', {
  numberOfKeys: 1,
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local count = tonumber(ARGV[2])
for index = 3, 2 + count * 2, 2 do redis.call('HSET', KEYS[1], ARGV[index], ARGV[index + 1]) end
for index = 3 + count * 2, #ARGV do redis.call('HDEL', KEYS[1], ARGV[index]) end
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1`,
});

const expiresAt = () => Date.now() + 3_600_000;
const key = (index) => `${prefix}{${index % sessions}}`;

async function measure(label, operation) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < operations) await operation(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(12)} ${Math.round(operations / seconds).toLocaleString('en')} ops/s`);
}

async function seed(layout) {
  for (let index = 0; index < sessions; index++) {
    const at = expiresAt();
    if (layout === 'json') {
      await client.set(key(index), JSON.stringify({ data, createdAt: Date.now(), expiresAt: at }), 'PXAT', at);
    } else {
      const fields = ['createdAt', String(Date.now()), 'expiresAt', String(at)];
      for (const [name, value] of Object.entries(data)) fields.push(`data:${name}`, JSON.stringify(value));
      await client.del(key(index));
      await client.hset(key(index), ...fields);
      await client.pexpireat(key(index), at);
    }
  }
}

const change = (index) => ({ set: { visits: index, returnTo: `/page/${index}` }, unset: ['flash'] });

for (let round = 0; round < 3; round++) {
  console.log(`round ${round + 1}`);
  await seed('json');
  await measure('json get', async (index) => JSON.parse(await client.get(key(index))));
  await measure('json patch', async (index) =>
    client.benchJsonPatch(key(index), expiresAt(), JSON.stringify(change(index))),
  );
  await seed('hash');
  await measure('hash get', async (index) => {
    const fields = await client.hgetall(key(index));
    const result = {};
    for (const [name, value] of Object.entries(fields)) if (name.startsWith('data:')) result[name.slice(5)] = JSON.parse(value);
    return result;
  });
  await measure('hash patch', async (index) => {
    const { set, unset } = change(index);
    const entries = Object.entries(set);
    const argumentsList = [expiresAt(), entries.length];
    for (const [name, value] of entries) argumentsList.push(`data:${name}`, JSON.stringify(value));
    for (const name of unset) argumentsList.push(`data:${name}`);
    return client.benchHashPatch(key(index), ...argumentsList);
  });
}

const keys = await client.keys(`${prefix}*`);
if (keys.length > 0) await client.del(...keys);
await client.quit();
