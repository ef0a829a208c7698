import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSessions } from './testing/smoke-checks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const testing = (name: string) => fileURLToPath(new URL(`./testing/${name}`, import.meta.url));
const built = () => expect(existsSync(`${root}dist/index.js`), 'run `pnpm --filter @sess/fetch build` first').toBe(true);

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('withSession outside Node', () => {
  it('has no import or require of a Node built-in in its build', () => {
    built();
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const code = readFileSync(`${root}${file}`, 'utf8');
      expect(code).not.toMatch(/from\s*["']node:/);
      expect(code).not.toMatch(/require\(["'](node:)?(fs|path|crypto|buffer|os|util|events|stream|http|net)["']\)/);
      expect(code).not.toMatch(/\bBuffer\.|\bprocess\./);
    }
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
    const directory = mkdtempSync(join(tmpdir(), 'sess-fetch-workerd-'));
    // One ES module for the Worker: the app, @sess/core and the adapter, bundled by Bun.
    execFileSync(bin('bun'), ['build', testing('worker.mjs'), '--target', 'browser', '--format', 'esm', '--outfile', join(directory, 'worker.js')], {
      encoding: 'utf8',
    });
    const port = await freePort();
    writeFileSync(
      join(directory, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-01-01",
);
`,
    );
    const workerd = (createRequire(import.meta.url)('workerd') as { default: string }).default;
    const child = spawn(workerd, ['serve', 'config.capnp'], { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const base = `http://127.0.0.1:${port}`;
    try {
      // workerd gives no ready signal: wait until it answers.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const up = await fetch(base).then(
          async (response) => (await response.body?.cancel(), true),
          () => false,
        );
        if (up) break;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`workerd did not start: ${log}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await checkSessions(base);
      expect(log).not.toMatch(/Uncaught|Error/);
    } finally {
      child.kill();
      rmSync(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
