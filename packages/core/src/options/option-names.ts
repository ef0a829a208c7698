/**
 * Refusing option names nobody reads. Plain JavaScript passes a misspelled or foreign option
 * (`idleTimout`, express-session's `resave`) without a word, and the app silently runs on defaults:
 * every options object of the core and of every store is checked here, at construction.
 */
import { SessionConfigError } from '../errors.js';

/**
 * Names other session libraries use, with what to do in sess instead. Shown when one of them is
 * passed, so that an app moving over learns the equivalent rather than just "unknown".
 */
const FOREIGN_NAMES: Readonly<Record<string, string>> = {
  maxAge: 'sess counts a session\'s life with `idleTimeout` and `absoluteTimeout`, in seconds',
  expires: 'use `absoluteTimeout` (seconds), or `session.setExpiry(date)` for one session',
  resave: 'sess writes only what changed (per key, with `patch`), so there is nothing to resave',
  saveUninitialized: 'sess never stores or sends a cookie for a session that stayed empty',
  rolling: 'sess renews sessions as they are used (`idleTimeout`, throttled by `touchAfter`)',
  genid: 'sess makes 256-bit random IDs itself, and never takes one from outside',
  proxy: "the framework decides: Express's `trust proxy`, Koa's `app.proxy`; `cookie.secure: 'auto'` follows it",
  unset: 'a destroyed session is always deleted from the store',
  key: 'the cookie name is `cookie.name`',
  renew: 'sess renews sessions as they are used (`idleTimeout`, throttled by `touchAfter`)',
  signed: 'the session cookie is always signed (or encrypted, with `store: \'cookie\'`)',
  encrypt: "use `store: 'cookie'` for an encrypted cookie session",
  password: 'use `secret` (a string or an array of them, at least 32 bytes each)',
  secrets: 'use `secret`, which takes an array',
  ttl: 'sess counts a session\'s life with `idleTimeout` and `absoluteTimeout`, in seconds',
};

/**
 * Throws `SessionConfigError` for every own key of `options` not in `known`, naming where it was
 * passed (`createSessions`, `RedisStore`), the closest known name, or sess's equivalent of another
 * library's option (`hints` adds a caller's own: a store's name for what others call `uri`). `undefined` keys count too: a misspelling set to `undefined` is still a typo.
 */
export function refuseUnknownOptions(
  where: string,
  options: object | undefined,
  known: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  if (options === undefined || options === null || typeof options !== 'object') return;
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const closest = closestName(name, known);
    const foreign = Object.hasOwn(hints, name) ? hints[name] : FOREIGN_NAMES[name];
    const hint = foreign !== undefined ? foreign : closest !== undefined ? `did you mean \`${closest}\`?` : `the options are ${known.map((option) => `\`${option}\``).join(', ')}`;
    throw new SessionConfigError(`${where} has no option \`${name}\`: ${hint}`);
  }
}

/** The known name closest to `name`: the same in another case, or a few edits away (one per three letters, at least two). */
function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    if (candidate.toLowerCase() === lower) return candidate;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** Levenshtein distance of two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Warns once per option when a number of seconds looks like milliseconds (`idleTimeout: 1800000`
 * is 20 days, and most likely meant 30 minutes).
 */
export function warnIfMilliseconds(name: string, seconds: number | undefined, aboveSeconds: number): void {
  if (seconds === undefined || seconds <= aboveSeconds || seconds % 1000 !== 0 || warnedAbout.has(name)) return;
  warnedAbout.add(name);
  console.warn(
    `[sess] \`${name}: ${seconds}\` is ${Math.round(seconds / 86400)} days; it is in seconds, not milliseconds: ` +
      `did you mean \`${name}: ${seconds / 1000}\`?`,
  );
}

const warnedAbout = new Set<string>();
