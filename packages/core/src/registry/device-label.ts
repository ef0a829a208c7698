/**
 * A short, human label for a User-Agent ("Firefox on Linux", "Safari on iPhone") for the device list.
 * A tight table of our own instead of a parser library: the label only has to tell a user's own
 * devices apart, and a table of a dozen tests costs about two microseconds, once per new session.
 */

/**
 * Browsers, most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari". An
 * entry matches when all its patterns do; none has a `.*`, so no input makes a pattern backtrack.
 */
const BROWSERS: ReadonlyArray<readonly [readonly RegExp[], string]> = [
  [[/\bEdg(?:e|A|iOS)?\//], 'Edge'],
  [[/\b(?:OPR|OPiOS|Opera)\//], 'Opera'],
  [[/\bSamsungBrowser\//], 'Samsung Internet'],
  [[/\b(?:Firefox|FxiOS)\//], 'Firefox'],
  [[/\b(?:CriOS|Chrome|Chromium|HeadlessChrome)\//], 'Chrome'],
  [[/\bVersion\/\d/, /\bSafari\//], 'Safari'],
  // An app's web view on iOS (no "Version/"): Safari's engine, as Apple requires.
  [[/\b(?:iPhone|iPad)\b/, /\bAppleWebKit\//], 'Safari'],
  [[/^curl\//], 'curl'],
];

/** Systems, most specific first: iPhones say "like Mac OS X", Android says "Linux". */
const SYSTEMS: ReadonlyArray<readonly [readonly RegExp[], string]> = [
  [[/\biPhone\b/], 'iPhone'],
  [[/\biPad\b/], 'iPad'],
  [[/\bAndroid\b/], 'Android'],
  [[/\bWindows\b/], 'Windows'],
  [[/\bCrOS\b/], 'ChromeOS'],
  [[/\bMac(?:intosh| OS X)\b/], 'macOS'],
  [[/\b(?:Linux|X11)\b/], 'Linux'],
];

/** What a session made by a client without a User-Agent, or an unknown one, is called. */
export const UNKNOWN_DEVICE = 'Unknown device';

/** User-Agents longer than this are cut before matching: the label never costs more than a short one. */
const MAX_USER_AGENT = 512;

function first(table: ReadonlyArray<readonly [readonly RegExp[], string]>, userAgent: string): string | undefined {
  for (const [patterns, name] of table) {
    if (patterns.every((pattern) => pattern.test(userAgent))) return name;
  }
  return undefined;
}

/** The device label of a User-Agent: "Browser on System", one of the two, or {@link UNKNOWN_DEVICE}. */
export function deviceLabel(userAgent: string | undefined): string {
  if (userAgent === undefined || userAgent === '') return UNKNOWN_DEVICE;
  const text = userAgent.length > MAX_USER_AGENT ? userAgent.slice(0, MAX_USER_AGENT) : userAgent;
  const browser = first(BROWSERS, text);
  const system = first(SYSTEMS, text);
  if (browser !== undefined && system !== undefined) return `${browser} on ${system}`;
  return browser ?? system ?? UNKNOWN_DEVICE;
}
