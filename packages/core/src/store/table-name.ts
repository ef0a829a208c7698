/**
 * Table names of the SQL stores: they cannot be bound as parameters, so they are checked to be plain
 * identifiers before they are placed in SQL text. One rule for every SQL store; each quotes the
 * parts its own way.
 */
import { SessionConfigError } from '../errors.js';

/** One plain identifier: letters, digits and underscores, not starting with a digit. */
const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Longest table name accepted. Index names add 15 characters (`_expires_at_idx`), PostgreSQL cuts
 * identifiers at 63 bytes and MySQL stops at 64: a cut name could collide with another table's index
 * and make `CREATE INDEX IF NOT EXISTS` silently skip it. One limit keeps a name portable.
 */
export const MAX_TABLE_NAME_LENGTH = 48;

/** How one SQL dialect qualifies and bounds table names. */
export interface TableNameRules {
  /** What the part before the dot is called in this dialect (`schema`, `database`), for the error. */
  qualifier: string;
  /** The dialect's longest identifier. */
  maxPartLength: number;
}

/**
 * The parts of `tableName` (`table` or `<qualifier>.table`) after checking that each is a plain
 * identifier, the table at most {@link MAX_TABLE_NAME_LENGTH} characters; else a
 * `SessionConfigError` naming `store` and the rule.
 */
export function tableNameParts(store: string, tableName: unknown, rules: TableNameRules): string[] {
  const parts = typeof tableName === 'string' ? tableName.split('.') : [];
  const table = parts[parts.length - 1];
  if (
    table === undefined ||
    parts.length > 2 ||
    !parts.every((part) => IDENTIFIER_PATTERN.test(part) && part.length <= rules.maxPartLength) ||
    table.length > MAX_TABLE_NAME_LENGTH
  ) {
    throw new SessionConfigError(
      `[${store}] invalid tableName ${JSON.stringify(tableName)}: use \`table\` or \`${rules.qualifier}.table\`, each part made ` +
        `of letters, digits and underscores, not starting with a digit (table at most ${MAX_TABLE_NAME_LENGTH} characters)`,
    );
  }
  return parts;
}
