/**
 * redis-server processes owned by one test, on free loopback ports, so that the test can freeze,
 * kill and restart its server without disturbing the shared one others use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** Options of {@link RedisServer.start}. */
export interface RedisServerOptions {
  /** Port to listen on. @default a free port */
  port?: number;
  /** Working directory (append-only file, `nodes.conf`); kept by {@link RedisServer.close}. @default a new temporary directory, removed by `close` */
  directory?: string;
  /**
   * Keep an append-only file fsynced on every write, so that what was acknowledged survives a kill.
   * @default false
   */
  appendOnly?: boolean;
  /** Extra redis-server arguments, such as `['--cluster-enabled', 'yes']`. @default [] */
  extraArguments?: string[];
}

/** How long a server may take to get ready. */
const READY_TIMEOUT_MS = 10_000;

const children = new Set<ChildProcess>();
// Last resort when a test run dies without its clean-up: never leave servers behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A redis-server child process that can be frozen, killed and started again on the same port and data. */
export class RedisServer {
  readonly #options: RedisServerOptions;
  readonly #ownsDirectory: boolean;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output = '';
  /** The port it listens on (the same after a restart). */
  readonly port: number;
  /** Its working directory (the same after a restart). */
  readonly directory: string;

  private constructor(port: number, directory: string, ownsDirectory: boolean, options: RedisServerOptions) {
    this.port = port;
    this.directory = directory;
    this.#ownsDirectory = ownsDirectory;
    this.#options = options;
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a server and resolves once it accepts commands; fails with what redis-server printed otherwise. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const port = options.port ?? (await freePort());
    const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'sess-redis-')));
    const server = new RedisServer(port, directory, options.directory === undefined, options);
    try {
      await server.restart();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** Starts the process again (after {@link kill}) on the same port, with the same directory. */
  async restart(): Promise<void> {
    const options = this.#options;
    const child = spawn(
      'redis-server',
      [
        '--port', String(this.port),
        '--bind', '127.0.0.1',
        '--dir', this.directory,
        '--save', '',
        '--daemonize', 'no',
        '--appendonly', options.appendOnly ? 'yes' : 'no',
        '--appendfsync', 'always',
        ...(options.extraArguments ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.add(child);
    this.#child = child;
    this.#output = '';
    this.#exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    void this.#exited.then(() => children.delete(child));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server on port ${this.port} did not get ready within ${READY_TIMEOUT_MS / 1000} s:\n${this.#output}`)),
        READY_TIMEOUT_MS,
      );
      // Listening is not enough while the append-only file is still loading: wait for the line.
      const onData = (chunk: Buffer) => {
        this.#output = (this.#output + chunk.toString()).slice(-4000);
        if (this.#output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      // Keeps draining the pipes after that too, so that a chatty server never blocks on a full pipe.
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run redis-server (${error.message}): install it (apt-get install redis-server) or put it on PATH`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on port ${this.port} exited with code ${code}:\n${this.#output}`));
      });
    });
  }

  /** Freezes the process (SIGSTOP): connections stay open and nothing answers, like a hung server. */
  freeze(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Stops the process with `signal` (SIGKILL, a crash, by default), also when frozen, and waits until it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill(signal);
    await this.#exited;
  }

  /** Kills the process and removes the directory it created. */
  async close(): Promise<void> {
    await this.kill();
    if (this.#ownsDirectory) await rm(this.directory, { recursive: true, force: true });
  }
}
