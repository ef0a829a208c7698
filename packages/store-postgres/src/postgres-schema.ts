import { SessionConfigError } from '@sess/core';

/** Default table name of {@link postgresSchema} and `PostgresStore`. */
export const DEFAULT_TABLE_NAME = 'sessions';

/** One plain identifier: letters, digits and underscores, not starting with a digit. */
const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Longest table name accepted. PostgreSQL cuts identifiers at 63 bytes; the index names add 15
 * characters (`_expires_at_idx`), and a cut name could collide with another table's index and make
 * `CREATE INDEX IF NOT EXISTS` silently skip it.
 */
const MAX_TABLE_NAME_LENGTH = 48;

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
  const parts = typeof tableName === 'string' ? tableName.split('.') : [];
  const table = parts[parts.length - 1];
  if (
    table === undefined ||
    parts.length > 2 ||
    !parts.every((part) => IDENTIFIER_PATTERN.test(part) && part.length <= 63) ||
    table.length > MAX_TABLE_NAME_LENGTH
  ) {
    throw new SessionConfigError(
      `[postgres] invalid tableName ${JSON.stringify(tableName)}: use \`table\` or \`schema.table\`, each part made ` +
        `of letters, digits and underscores, not starting with a digit (table at most ${MAX_TABLE_NAME_LENGTH} characters)`,
    );
  }
  return { qualified: parts.map((part) => `"${part}"`).join('.'), table };
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
