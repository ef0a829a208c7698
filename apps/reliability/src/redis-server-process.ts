/**
 * A redis-server process owned by one test, on a free loopback port, so that the test can freeze it,
 * kill it and start it again without disturbing the shared server others use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort, sleep } from './servers.js';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /**
   * Keep an append-only file fsynced on every write, so that what was acknowledged survives a kill
   * (the outage test kills the server and expects every session back).
   * @default false
   */
  durable?: boolean;
}

const children = new Set<ChildProcess>();
// Never leave a server behind when a test run dies without its clean-up.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A redis-server child process that can be frozen, killed and started again on the same port. */
export class RedisServerProcess {
  readonly #directory: string;
  readonly #options: RedisServerOptions;
  #child: ChildProcess | undefined;
  #output = '';
  /** The port it listens on (the same after a restart). */
  readonly port: number;

  private constructor(port: number, options: RedisServerOptions) {
    this.port = port;
    this.#options = options;
    this.#directory = mkdtempSync(join(tmpdir(), 'sess-reliability-redis-'));
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a server on a free port and waits until it accepts connections. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(await freePort(), options);
    await server.restart();
    return server;
  }

  /** Starts the process again (after {@link kill}) on the same port, with the same data directory. */
  async restart(): Promise<void> {
    const durability = this.#options.durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.#directory, ...durability],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.add(child);
    child.once('exit', () => children.delete(child));
    child.stdout!.on('data', (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-4000)));
    child.stderr!.on('data', (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-4000)));
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(new Error(`cannot run redis-server (${error.message}): install it (apt-get install redis-server) or put it on PATH`)),
      );
    });
    await spawned;
    this.#child = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await canConnect('127.0.0.1', this.port, 500);
        // Accepting connections is not enough while the append-only file is still loading.
        if (/Ready to accept connections/.test(this.#output)) return;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}:\n${this.#output}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not get ready on port ${this.port} within 10 s:\n${this.#output}`);
      await sleep(50);
    }
  }

  /** Freezes the process (SIGSTOP): connections stay open and nothing answers, like a hung server. */
  freeze(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Kills the process without warning (SIGKILL) and waits until it has exited. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.#output = '';
  }

  /** Kills the process and removes its data directory. */
  async close(): Promise<void> {
    await this.kill();
    rmSync(this.#directory, { recursive: true, force: true });
  }
}
