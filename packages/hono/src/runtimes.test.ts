import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { nodeBuiltinsIn, runOnWorkerd } from '@sess/test-servers';
import { describe, expect, it } from 'vitest';
import { checkSessions } from './testing/smoke-checks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const testing = (name: string) => fileURLToPath(new URL(`./testing/${name}`, import.meta.url));
const built = () => expect(existsSync(`${root}dist/index.js`), 'run `pnpm --filter @sess/hono build` first').toBe(true);

describe('the Hono middleware outside Node', () => {
  it('has no import or require of a Node built-in in its build', () => {
    built();
    expect(nodeBuiltinsIn([`${root}dist/index.js`, `${root}dist/index.cjs`])).toEqual([]);
  });

  it.each([
    ['Bun', 'bun', ['run', testing('runtime-smoke.mjs')]],
    ['Deno', 'deno', ['run', '--no-prompt', '--allow-read', '--allow-net=127.0.0.1', testing('runtime-smoke.mjs')]],
  ])('serves sessions under %s, from the build', (_name, runtime, args) => {
    built();
    const output = execFileSync(bin(runtime), args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(output.trim()).toBe('ok');
  }, 60_000);

  it('serves sessions under workerd (the Cloudflare Workers runtime), from the build', async () => {
    built();
    const workerd = (createRequire(import.meta.url)('workerd') as { default: string }).default;
    const log = await runOnWorkerd({ bun: bin('bun'), workerd, worker: testing('worker.mjs'), check: checkSessions });
    expect(log).not.toMatch(/Uncaught|Error/);
  }, 60_000);
});
