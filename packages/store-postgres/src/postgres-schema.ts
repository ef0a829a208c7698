import { tableNameParts } from '@sess/core';

/** Default table name of {@link postgresSchema} and `PostgresStore`. */
export const DEFAULT_TABLE_NAME = 'sessions';

/** A validated table name, ready to be placed in SQL text. */
export interface TableName {
  /** The name as written in SQL: every part double-quoted, e.g. `"auth"."sessions"`. */
  qualified: string;
  /** The table's own name without its schema, e.g. `sessions`; index names derive from it. */
  table: string;
}

/**
 * Checks `tableName` (`table` or `schema.table`) and quotes it. The check refuses anything but plain
 * identifiers, so the name can never carry SQL; the quotes keep reserved words and letter case as written.
 */
export function parseTableName(tableName: string): TableName {
  const parts = tableNameParts('postgres', tableName, { qualifier: 'schema', maxPartLength: 63 });
  return { qualified: parts.map((part) => `"${part}"`).join('.'), table: parts[parts.length - 1]! };
}

/**
 * The SQL that creates the session table and its indexes (idempotent: `IF NOT EXISTS`). The store
 * runs it on first use unless `createTable` is false; `sql/schema.sql` in this package is its output
 * for the default table name, for migration tools.
 */
export function postgresSchema(tableName: string = DEFAULT_TABLE_NAME): string {
  const { qualified, table } = parseTableName(tableName);
  return `CREATE TABLE IF NOT EXISTS ${qualified} (
  "id" text PRIMARY KEY,
  "data" jsonb NOT NULL,
  "created_at" bigint NOT NULL,
  "expires_at" bigint NOT NULL,
  "owner" text
);
CREATE INDEX IF NOT EXISTS "${table}_expires_at_idx" ON ${qualified} ("expires_at");
CREATE INDEX IF NOT EXISTS "${table}_owner_idx" ON ${qualified} ("owner") WHERE "owner" IS NOT NULL;
`;
}
