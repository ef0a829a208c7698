import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const smoke = fileURLToPath(new URL('./testing/runtime-smoke.mjs', import.meta.url));

describe('core needs no Node built-in', () => {
  it('has no import or require of a built-in module in its build', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const path = `${root}${file}`;
      expect(existsSync(path), `${file} is missing: run \`pnpm --filter @sess/core build\``).toBe(true);
      const code = readFileSync(path, 'utf8');
      expect(code).not.toMatch(/from\s*["'](node:)?(fs|path|crypto|buffer|os|util|events|stream)["']/);
      expect(code).not.toMatch(/require\(["'](node:)?[a-z_]+["']\)/);
      expect(code).not.toMatch(/\bBuffer\./);
    }
  });

  it.each([
    ['Bun', 'bun', ['run', smoke]],
    ['Deno', 'deno', ['run', '--no-prompt', '--allow-read', smoke]],
  ])('runs under %s', (_name, runtime, args) => {
    const output = execFileSync(bin(runtime), args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(output.trim()).toBe('ok');
  }, 60_000);
});
