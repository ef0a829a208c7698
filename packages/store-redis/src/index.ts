export { RedisStore, type RedisStoreOptions } from './redis-store.js';
export type { RedisCacheOptions } from './tracking-cache.js';
