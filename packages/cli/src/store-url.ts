/**
 * Which store a URL names, and opening it through its sess store package (loaded only when used,
 * so that the CLI needs only the store packages an app already has).
 */
import type { Store } from '@sess/core';
import { UsageError } from './cli-error.js';

/** A store named by a URL: `redis://`, `postgres://`, `mysql://`, `sqlite:PATH` or `file:DIR`. */
export type StoreLocation =
  | { kind: 'redis'; url: string }
  | { kind: 'postgres'; url: string }
  | { kind: 'mysql'; url: string }
  | { kind: 'sqlite'; path: string }
  | { kind: 'file'; dir: string };

/** The kinds of store the CLI opens, with the URL form of each. */
export const STORE_URL_FORMS = ['redis://HOST:6379', 'postgres://USER@HOST:5432/DB', 'mysql://USER@HOST:3306/DB', 'sqlite:PATH', 'file:DIR'] as const;

/** Reads a store URL; throws `UsageError` naming the accepted forms for anything else. */
export function parseStoreUrl(text: string): StoreLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'redis':
    case 'rediss':
      return { kind: 'redis', url: text };
    case 'postgres':
    case 'postgresql':
      return { kind: 'postgres', url: text };
    case 'mysql':
    case 'mariadb':
      return { kind: 'mysql', url: text };
    case 'sqlite':
    case 'file': {
      // `sqlite:PATH`, `sqlite://PATH` and `file:DIR`, `file://DIR` all name a local path.
      const path = text.slice(scheme.length + 1).replace(/^\/\/(?=\/)/, '').replace(/^\/\/(?!\/)/, '');
      if (path === '') throw new UsageError(`"${text}" names no ${scheme === 'sqlite' ? 'database file' : 'folder'}: write ${scheme}:PATH`);
      return scheme === 'sqlite' ? { kind: 'sqlite', path } : { kind: 'file', dir: path };
    }
    default:
      throw new UsageError(`"${text}" is not a store URL; use one of: ${STORE_URL_FORMS.join(', ')}`);
  }
}

/** What the location of a store looks like in messages: never its password. */
export function describeLocation(location: StoreLocation): string {
  switch (location.kind) {
    case 'sqlite':
      return `sqlite:${location.path}`;
    case 'file':
      return `file:${location.dir}`;
    default: {
      try {
        const url = new URL(location.url);
        if (url.password !== '') url.password = '***';
        return url.toString();
      } catch {
        return location.kind;
      }
    }
  }
}

/** Table, prefix: where in the backend the app's sessions are. */
export interface StoreNamespace {
  /** SQL stores: the session table. */
  table?: string | undefined;
  /** Redis: the key prefix. */
  prefix?: string | undefined;
}

/** Loads a store package, or says which one to install. */
export async function load<T>(name: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    // Only the package itself missing (not a file inside it, nor one of its own imports).
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(`Cannot find package '${name}'`)) {
      throw new UsageError(`this store needs ${name}: npm install ${name}`);
    }
    throw error;
  }
}

/**
 * Opens the store at `location` with background work off (no prune timers): the CLI runs one
 * command and exits.
 */
export async function openStore(location: StoreLocation, namespace: StoreNamespace = {}): Promise<Store> {
  const tableName = namespace.table;
  switch (location.kind) {
    case 'redis': {
      const { RedisStore } = await load('@sess/store-redis', () => import('@sess/store-redis'));
      return new RedisStore({ url: location.url, ...(namespace.prefix === undefined ? {} : { prefix: namespace.prefix }) });
    }
    case 'postgres': {
      const { PostgresStore } = await load('@sess/store-postgres', () => import('@sess/store-postgres'));
      return new PostgresStore({ url: location.url, pruneIntervalMs: 0, ...(tableName === undefined ? {} : { tableName }) });
    }
    case 'mysql': {
      const { MysqlStore } = await load('@sess/store-mysql', () => import('@sess/store-mysql'));
      return new MysqlStore({ url: location.url, pruneIntervalMs: 0, ...(tableName === undefined ? {} : { tableName }) });
    }
    case 'sqlite': {
      const { SqliteStore } = await load('@sess/store-sqlite', () => import('@sess/store-sqlite'));
      return new SqliteStore({ path: location.path, pruneIntervalMs: 0, ...(tableName === undefined ? {} : { tableName }) });
    }
    case 'file': {
      const { FileStore } = await load('@sess/store-file', () => import('@sess/store-file'));
      return new FileStore({ dir: location.dir, pruneIntervalMs: 0 });
    }
  }
}
