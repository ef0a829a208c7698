/**
 * Reads the sample apps' configuration from the environment (the table of
 * `shared/spec/demo-app-contract.md`) and refuses anything it cannot use, at start-up.
 */

/** The stores a sample app can run on (`SESSION_STORE`). */
export const STORE_KINDS = ['memory', 'file', 'sqlite', 'redis', 'postgres', 'mysql', 'cookie'] as const;

/** One of {@link STORE_KINDS}. */
export type StoreKind = (typeof STORE_KINDS)[number];

/**
 * Secret used when `SESSION_SECRET` is unset, so that `pnpm demo` works out of the box and the three
 * apps share sessions. It is public (it is in this file): never use it outside development.
 */
export const DEVELOPMENT_SECRET = 'sess-demo-development-secret-not-for-production';

/** A configuration value the app cannot start with. */
export class DemoConfigError extends Error {
  constructor(message: string) {
    super(`[demo] ${message}`);
    this.name = 'DemoConfigError';
  }
}

/** Everything a sample app reads from its environment. */
export interface DemoConfig {
  /** The app's name, for logs and the page title. */
  appName: string;
  /** `PORT`: TCP port; `0` picks a free one (the URL printed at start-up tells which). */
  port: number;
  /** `HOST`: address to bind. @default '127.0.0.1' */
  host: string;
  /** `SESSION_STORE`. @default 'file' */
  store: StoreKind;
  /** `SESSION_SECRET`, split at commas: the first signs, all verify. */
  secrets: string[];
  /** True when `SESSION_SECRET` was unset and {@link DEVELOPMENT_SECRET} is used. */
  usingDevelopmentSecret: boolean;
  /** `SESSION_COOKIE_NAME`. @default 'sid' */
  cookieName: string;
  /** `SESSION_COOKIE_SECURE`. @default false */
  cookieSecure: boolean;
  /** `SESSION_IDLE_TIMEOUT`, seconds. @default 1800 */
  idleTimeout: number;
  /** `SESSION_ABSOLUTE_TIMEOUT`, seconds. @default 86400 */
  absoluteTimeout: number;
  /** `SESSION_DIR`: folder of the file store. @default './.sessions' */
  sessionDir: string;
  /** `SQLITE_PATH`: database file of the sqlite store. @default './.sessions.db' */
  sqlitePath: string;
  /** `REDIS_URL`. @default 'redis://127.0.0.1:6379' */
  redisUrl: string;
  /** `DATABASE_URL`, defaulted for the chosen SQL store. */
  databaseUrl: string;
  /** `SESSION_LOCKING`. @default false */
  locking: boolean;
}

/** Options of {@link readDemoConfig}. */
export interface ReadDemoConfigOptions {
  /** The app's name (`express-demo`...). */
  appName: string;
  /** Port used when `PORT` is unset. */
  defaultPort: number;
  /** The environment to read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new DemoConfigError(`${name}=${JSON.stringify(raw)} is not a whole number from ${min} to ${max}.`);
  }
  return value;
}

function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  if (raw === 'false' || raw === '0' || raw === 'no') return false;
  throw new DemoConfigError(`${name}=${JSON.stringify(env[name])} must be "true" or "false".`);
}

function readString(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? fallback : raw;
}

/**
 * Reads the configuration. Throws {@link DemoConfigError} naming the variable for a value that
 * makes no sense, so that a typo stops the app at start-up instead of surprising a user later.
 */
export function readDemoConfig(options: ReadDemoConfigOptions): DemoConfig {
  const env = options.env ?? process.env;
  const store = readString(env, 'SESSION_STORE', 'file').toLowerCase();
  if (!(STORE_KINDS as readonly string[]).includes(store)) {
    throw new DemoConfigError(`SESSION_STORE=${JSON.stringify(env.SESSION_STORE)} is not one of ${STORE_KINDS.join(', ')}.`);
  }
  const storeKind = store as StoreKind;
  const secretText = env.SESSION_SECRET ?? '';
  const secrets = secretText
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
  const usingDevelopmentSecret = secrets.length === 0;
  const defaultDatabaseUrl = storeKind === 'mysql' ? 'mysql://root@127.0.0.1:3306/test' : 'postgres://127.0.0.1:5432/test';
  const databaseUrl = readString(env, 'DATABASE_URL', defaultDatabaseUrl);
  if (storeKind === 'postgres' && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new DemoConfigError(`SESSION_STORE=postgres needs DATABASE_URL=postgres://..., not ${JSON.stringify(databaseUrl)}.`);
  }
  if (storeKind === 'mysql' && !/^(mysql|mariadb):\/\//i.test(databaseUrl)) {
    throw new DemoConfigError(`SESSION_STORE=mysql needs DATABASE_URL=mysql://..., not ${JSON.stringify(databaseUrl)}.`);
  }
  const idleTimeout = readInteger(env, 'SESSION_IDLE_TIMEOUT', 1800, 1, 10 * 365 * 86400);
  const absoluteTimeout = readInteger(env, 'SESSION_ABSOLUTE_TIMEOUT', 86400, 1, 10 * 365 * 86400);
  return {
    appName: options.appName,
    port: readInteger(env, 'PORT', options.defaultPort, 0, 65535),
    host: readString(env, 'HOST', '127.0.0.1'),
    store: storeKind,
    secrets: usingDevelopmentSecret ? [DEVELOPMENT_SECRET] : secrets,
    usingDevelopmentSecret,
    cookieName: readString(env, 'SESSION_COOKIE_NAME', 'sid'),
    cookieSecure: readBoolean(env, 'SESSION_COOKIE_SECURE', false),
    idleTimeout,
    absoluteTimeout,
    sessionDir: readString(env, 'SESSION_DIR', './.sessions'),
    sqlitePath: readString(env, 'SQLITE_PATH', './.sessions.db'),
    redisUrl: readString(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    databaseUrl,
    locking: readBoolean(env, 'SESSION_LOCKING', false),
  };
}

/** The warning printed at start-up when no `SESSION_SECRET` is set. */
export function developmentSecretWarning(appName: string): string {
  const line = '!'.repeat(78);
  return [
    line,
    `!! ${appName}: SESSION_SECRET is not set: using the built-in DEVELOPMENT secret.`,
    '!! Anyone can forge or read sessions signed with it. Never run this outside development:',
    '!!   SESSION_SECRET="$(openssl rand -base64 48)"',
    line,
  ].join('\n');
}
