/**
 * `sess stats`: how many live sessions a store holds. Stores have no count of their own (no request
 * needs one), so this reads the backend directly, in the layout each sess store writes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableNameParts } from '@sess/core';
import type { StoreLocation, StoreNamespace } from './store-url.js';

/** Called now and then during a long count with how many sessions were seen so far. */
export type OnProgress = (seen: number) => void;

/** Session files, Redis keys: read this many between two progress reports. */
const BATCH = 1000;

/** The table name quoted for SQL, checked by the same rule as the stores' (`table` or `schema.table`). */
function quotedTable(kind: 'postgres' | 'mysql' | 'sqlite', table = 'sessions'): string {
  const parts = tableNameParts(kind, table, { qualifier: kind === 'mysql' ? 'database' : 'schema', maxPartLength: kind === 'mysql' ? 64 : 63 });
  const quote = kind === 'mysql' ? '`' : '"';
  return parts.map((part) => quote + part + quote).join('.');
}

/** The number of live sessions at `location`. */
export async function countLive(location: StoreLocation, namespace: StoreNamespace, onProgress: OnProgress): Promise<number> {
  const now = Date.now();
  switch (location.kind) {
    case 'postgres': {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: location.url, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        const result = await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${quotedTable('postgres', namespace.table)} WHERE expires_at > $1`, [now]);
        return Number(result.rows[0]!.count);
      } finally {
        await client.end();
      }
    }
    case 'mysql': {
      const { createConnection } = await import('mysql2/promise');
      const connection = await createConnection({ uri: location.url, connectTimeout: 5000 });
      try {
        const [rows] = await connection.query(`SELECT count(*) AS count FROM ${quotedTable('mysql', namespace.table)} WHERE expires_at > ?`, [now]);
        return Number((rows as Array<{ count: number | string }>)[0]!.count);
      } finally {
        await connection.end();
      }
    }
    case 'sqlite': {
      const { default: Database } = await import('better-sqlite3');
      const database = new Database(location.path, { readonly: true, fileMustExist: true });
      try {
        const row = database.prepare(`SELECT count(*) AS count FROM ${quotedTable('sqlite', namespace.table)} WHERE expires_at > ?`).get(now) as { count: number };
        return row.count;
      } finally {
        database.close();
      }
    }
    case 'redis':
      return countRedis(location.url, namespace.prefix ?? 'sess:', onProgress);
    case 'file':
      return countFiles(location.dir, now, onProgress);
  }
}

/** Session keys under the prefix (`prefix{id}`: not locks, not owner sets), by `SCAN MATCH` of that prefix only. */
async function countRedis(url: string, prefix: string, onProgress: OnProgress): Promise<number> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{*}`;
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', BATCH);
      cursor = next;
      count += keys.length;
      onProgress(count);
    } while (cursor !== '0');
    return count;
  } finally {
    client.disconnect();
  }
}

/** Live session files (`<id>.json` whose `expiresAt` is still ahead). */
async function countFiles(dir: string, now: number, onProgress: OnProgress): Promise<number> {
  const names = (await readdir(dir)).filter((name) => /^[A-Za-z0-9_-]{16,128}\.json$/.test(name));
  let count = 0;
  for (let index = 0; index < names.length; index++) {
    try {
      const { expiresAt } = JSON.parse(await readFile(join(dir, names[index]!), 'utf8')) as { expiresAt?: unknown };
      if (typeof expiresAt === 'number' && expiresAt > now) count += 1;
    } catch {
      // Deleted meanwhile, or corrupt: not a live session.
    }
    if ((index + 1) % BATCH === 0) onProgress(index + 1);
  }
  return count;
}
