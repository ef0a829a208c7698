import { SessionConfigError } from '@sess/core';

/**
 * A table name the store accepts: a plain SQL identifier (letters, digits, underscores, not starting
 * with a digit), at most 48 characters so that the derived index and lock-table names stay short.
 */
const TABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/**
 * Throws `SessionConfigError` unless `tableName` is a plain identifier. Table names cannot be bound
 * as query parameters, so this check is what keeps them from ever carrying SQL.
 */
export function assertValidTableName(tableName: unknown): asserts tableName is string {
  if (typeof tableName !== 'string' || !TABLE_NAME_PATTERN.test(tableName)) {
    throw new SessionConfigError(
      `[sqlite] tableName ${JSON.stringify(tableName)} is not allowed: use 1-48 letters, digits or underscores, not starting with a digit`,
    );
  }
  // SQLite reserves every name that starts with `sqlite_` for its own tables.
  if (tableName.toLowerCase().startsWith('sqlite_')) {
    throw new SessionConfigError(`[sqlite] tableName "${tableName}" is reserved by SQLite (names starting with sqlite_); pick another`);
  }
}

/** Names of the objects one store uses, all derived from its `tableName`. */
export interface SessionTableNames {
  /** The sessions table. */
  sessions: string;
  /** The lock table used by `lock()`, `<tableName>_locks`. */
  locks: string;
  /** The index on `expires_at`, used by `prune()`. */
  expiresAtIndex: string;
  /** The index on `owner`, used by `destroyByOwner()`. */
  ownerIndex: string;
}

/** Derives the names of the tables and indexes of a store from its `tableName` (validated). */
export function sessionTableNames(tableName: string): SessionTableNames {
  assertValidTableName(tableName);
  return {
    sessions: tableName,
    locks: `${tableName}_locks`,
    expiresAtIndex: `${tableName}_expires_at`,
    ownerIndex: `${tableName}_owner`,
  };
}

/**
 * The SQL that creates the tables and indexes of a store whose table is `tableName` (default
 * `sessions`). `SqliteStore` runs it itself when they are missing; it is exported (and shipped as
 * `sql/schema.sql` for the default name) for projects that manage their schema with migrations.
 */
export function sessionTableSchema(tableName = 'sessions'): string {
  const names = sessionTableNames(tableName);
  return `CREATE TABLE IF NOT EXISTS "${names.sessions}" (
  id TEXT PRIMARY KEY NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  owner TEXT
);
CREATE INDEX IF NOT EXISTS "${names.expiresAtIndex}" ON "${names.sessions}" (expires_at);
CREATE INDEX IF NOT EXISTS "${names.ownerIndex}" ON "${names.sessions}" (owner) WHERE owner IS NOT NULL;
CREATE TABLE IF NOT EXISTS "${names.locks}" (
  id TEXT PRIMARY KEY NOT NULL,
  token TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`;
}
