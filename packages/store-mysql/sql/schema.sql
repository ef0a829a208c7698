-- Session table of @sess/store-mysql, with the default table name `sessions`.
-- Runs unchanged on MySQL 8 and MariaDB (where JSON is LONGTEXT with a JSON_VALID check).
-- The store creates it by itself on first use (option `createTable`, on by default);
-- run this file instead when your migrations own the schema, and pass `createTable: false`.
-- Times are epoch milliseconds. Expired rows are filtered out on read and deleted by `prune()`.
CREATE TABLE IF NOT EXISTS `sessions` (
  `id` VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `data` JSON NOT NULL,
  `created_at` BIGINT NOT NULL,
  `expires_at` BIGINT NOT NULL,
  `owner` VARCHAR(255) NULL,
  PRIMARY KEY (`id`),
  KEY `sessions_expires_at_idx` (`expires_at`),
  KEY `sessions_owner_idx` (`owner`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
