/**
 * `next build` of a test app, skipped when its build is newer than its sources and than the builds
 * of @sess/next and @sess/core it bundles (a Next build holds its own copy of both).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The root of @sess/next. */
export const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Next's command line, as this package installs it. */
export const nextBin = join(packageRoot, 'node_modules', '.bin', 'next');

/** The newest modification time under `path` (build output and dependencies left out). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === '.next' || entry === 'node_modules' || entry === 'cache') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

/**
 * Builds the Next app in `app` unless its build is newer than its sources, this package's
 * `src/testing` (which the apps import) and the builds of @sess/next and @sess/core.
 */
export function buildNextApp(app: string): void {
  expect(existsSync(join(packageRoot, 'dist', 'index.js')), 'run `pnpm --filter @sess/next build` first').toBe(true);
  const buildId = join(app, '.next', 'BUILD_ID');
  const inputs = [app, join(packageRoot, 'src', 'testing'), join(packageRoot, 'dist'), join(packageRoot, '..', 'core', 'dist')];
  if (existsSync(buildId) && statSync(buildId).mtimeMs > Math.max(...inputs.map(newest))) return;
  execFileSync(nextBin, ['build', app], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
}
