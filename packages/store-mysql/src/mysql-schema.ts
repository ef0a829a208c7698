import { tableNameParts } from '@sess/core';

/** Default table name of {@link mysqlSchema} and `MySqlStore`. */
export const DEFAULT_TABLE_NAME = 'sessions';

/** A validated table name, ready to be placed in SQL text. */
export interface TableName {
  /** The name as written in SQL: every part backquoted, e.g. `` `app`.`sessions` ``. */
  qualified: string;
  /** The table's own name without its database, e.g. `sessions`; index names derive from it. */
  table: string;
}

/**
 * Checks `tableName` (`table` or `database.table`) and quotes it. The check refuses anything but
 * plain identifiers, so the name can never carry SQL; the backquotes keep reserved words usable.
 */
export function parseTableName(tableName: string): TableName {
  const parts = tableNameParts('mysql', tableName, { qualifier: 'database', maxPartLength: 64 });
  return { qualified: parts.map((part) => '`' + part + '`').join('.'), table: parts[parts.length - 1]! };
}

/**
 * The SQL that creates the session table with its indexes (one idempotent statement). It runs
 * unchanged on MySQL 8 and on MariaDB, where `JSON` is an alias of `LONGTEXT` with a `JSON_VALID`
 * check. The store runs it on first use unless `createTable` is false; `sql/schema.sql` in this
 * package is its output for the default table name, for migration tools.
 */
export function mysqlSchema(tableName: string = DEFAULT_TABLE_NAME): string {
  const { qualified, table } = parseTableName(tableName);
  return `CREATE TABLE IF NOT EXISTS ${qualified} (
  \`id\` VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  \`data\` JSON NOT NULL,
  \`created_at\` BIGINT NOT NULL,
  \`expires_at\` BIGINT NOT NULL,
  \`owner\` VARCHAR(255) NULL,
  PRIMARY KEY (\`id\`),
  KEY \`${table}_expires_at_idx\` (\`expires_at\`),
  KEY \`${table}_owner_idx\` (\`owner\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
`;
}
