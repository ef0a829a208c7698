-- Tables and indexes of @sess/store-sqlite for the default tableName "sessions".
-- SqliteStore creates them itself when they are missing; run this file only if you manage the
-- schema yourself (for another tableName, use sessionTableSchema(tableName) from the package).
CREATE TABLE IF NOT EXISTS "sessions" (
  id TEXT PRIMARY KEY NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  owner TEXT
);
CREATE INDEX IF NOT EXISTS "sessions_expires_at" ON "sessions" (expires_at);
CREATE INDEX IF NOT EXISTS "sessions_owner" ON "sessions" (owner) WHERE owner IS NOT NULL;
CREATE TABLE IF NOT EXISTS "sessions_locks" (
  id TEXT PRIMARY KEY NOT NULL,
  token TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
