/**
 * A sample app (`apps/<name>/dist/server.js`) running as a child process, started the way the
 * end-to-end suite starts it: `PORT=0`, URL read from the line it prints, ready once `/healthz` is 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sleep } from './servers.js';

/** The sample apps. */
export type DemoName = 'express-demo' | 'koa-demo' | 'hono-demo';

/** Secret every app of a test signs with (two apps must share it to share sessions). */
export const TEST_SECRET = 'reliability-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

/** Options of {@link startDemo}. */
export interface StartDemoOptions {
  /** Which sample app. @default 'express-demo' */
  name?: DemoName;
  /** Environment on top of this process's (`SESSION_STORE`, `REDIS_URL`...). */
  environment: Record<string, string>;
  /** Extra `node` arguments placed before the script (e.g. `--expose-gc`). @default [] */
  nodeArguments?: string[];
  /** Appended to a start-up failure, e.g. how to start the server the app needs. @default '' */
  hint?: string;
}

const children = new Set<ChildProcess>();
// Never leave an app behind when a test run dies without its clean-up.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A running sample app. */
export class DemoProcess {
  readonly #child: ChildProcess;
  #output = '';
  /** Base URL, such as `http://127.0.0.1:41234`. */
  url = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
  }

  /** The process ID. */
  get pid(): number {
    return this.#child.pid!;
  }

  /** True while the process has not exited. */
  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Everything the process printed so far (stdout and stderr). */
  output(): string {
    return this.#output;
  }

  /** Sends a signal to the process. */
  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Resident memory in bytes, from `/proc/<pid>/status` (VmRSS). */
  rss(): number {
    const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    if (!line) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(line[1]) * 1024;
  }

  /** Open file descriptors (sockets included), counted in `/proc/<pid>/fd`. */
  openFileDescriptors(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  /** Ends the process (SIGTERM, SIGKILL after 3 s) and waits for it. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 3000);
    this.#child.kill('SIGTERM');
    await exited;
    clearTimeout(killer);
  }

  /**
   * Starts an app on a free port and waits until `/healthz` answers 200. Fails with the app's output
   * and `hint` when it exits or stays unhealthy.
   */
  static async start(options: StartDemoOptions): Promise<DemoProcess> {
    const name = options.name ?? 'express-demo';
    const folder = fileURLToPath(new URL(`../../${name}/`, import.meta.url));
    const file = `${folder}dist/server.js`;
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: build the sample apps first (\`pnpm turbo run build --filter=${name}\`).`);
    }
    const child = spawn(process.execPath, [...(options.nodeArguments ?? []), file], {
      cwd: folder,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', SESSION_SECRET: TEST_SECRET, ...options.environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    const app = new DemoProcess(child);
    const fail = async (reason: string): Promise<never> => {
      await app.stop();
      const hint = options.hint ? `\n${options.hint}` : '';
      throw new Error(`${name} (SESSION_STORE=${options.environment.SESSION_STORE}) ${reason}\n--- its output ---\n${app.output()}${hint}`);
    };
    const deadline = Date.now() + 20_000;
    for (;;) {
      const url = /listening on (http:\/\/\S+?)\/?(\s|$)/.exec(app.output())?.[1];
      if (url !== undefined) {
        app.url = url;
        break;
      }
      if (!app.alive) return fail(`exited (code ${child.exitCode}) before listening.`);
      if (Date.now() > deadline) return fail('did not print its URL within 20 s.');
      await sleep(50);
    }
    let last = '';
    for (;;) {
      try {
        const response = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(3000) });
        last = `${response.status} ${await response.text()}`;
        if (response.status === 200) return app;
      } catch (error) {
        last = String(error);
      }
      if (!app.alive) return fail(`exited (code ${child.exitCode}).`);
      if (Date.now() > deadline) return fail(`/healthz did not answer 200 within 20 s (last answer: ${last}).`);
      await sleep(200);
    }
  }
}
