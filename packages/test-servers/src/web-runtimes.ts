/**
 * Running a package's build outside Node, for the packages that promise Web APIs only (the core and
 * the Web adapters): the check that the build imports no Node built-in, and a Worker served by
 * workerd (the Cloudflare Workers runtime).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * What in the built `files` reaches for Node: an import or require of a built-in, `Buffer`,
 * `process`. Empty when nothing does.
 */
export function nodeBuiltinsIn(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const code = readFileSync(file, 'utf8');
    if (/from\s*["']node:/.test(code)) found.push(`${file}: imports a node: module`);
    if (/require\(["'](node:)?(fs|path|crypto|buffer|os|util|events|stream|http|net)["']\)/.test(code)) found.push(`${file}: requires a Node built-in`);
    if (/\bBuffer\.|\bprocess\./.test(code)) found.push(`${file}: uses Buffer or process`);
  }
  return found;
}

/** How to serve one Worker under workerd. */
export interface WorkerdRun {
  /** The `bun` binary, which bundles the Worker into one ES module. */
  bun: string;
  /** The `workerd` binary (the `workerd` package's default export). */
  workerd: string;
  /** The Worker's entry module; bundled with everything it imports. */
  worker: string;
  /** What to check against the Worker once it answers, given its base URL. */
  check: (base: string) => Promise<void>;
}

/**
 * Bundles `worker` with Bun, serves it under workerd on a free loopback port, waits until it
 * answers, runs `check` and stops it. Resolves with what workerd logged.
 */
export async function runOnWorkerd({ bun, workerd, worker, check }: WorkerdRun): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'sess-workerd-'));
  execFileSync(bun, ['build', worker, '--target', 'browser', '--format', 'esm', '--outfile', join(directory, 'worker.js')], { encoding: 'utf8' });
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
    await check(base);
    return log;
  } finally {
    child.kill();
    rmSync(directory, { recursive: true, force: true });
  }
}
