-- Session table of @sess/store-postgres, with the default table name `sessions`.
-- The store creates it by itself on first use (option `createTable`, on by default);
-- run this file instead when your migrations own the schema, and pass `createTable: false`.
-- Times are epoch milliseconds. Expired rows are filtered out on read and deleted by `prune()`.
CREATE TABLE IF NOT EXISTS "sessions" (
  "id" text PRIMARY KEY,
  "data" jsonb NOT NULL,
  "created_at" bigint NOT NULL,
  "expires_at" bigint NOT NULL,
  "owner" text
);
CREATE INDEX IF NOT EXISTS "sessions_expires_at_idx" ON "sessions" ("expires_at");
CREATE INDEX IF NOT EXISTS "sessions_owner_idx" ON "sessions" ("owner") WHERE "owner" IS NOT NULL;
