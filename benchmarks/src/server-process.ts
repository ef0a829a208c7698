/**
 * A target's server as a child process pinned to core 1 (`taskset -c 1`), talking to the runner
 * over an IPC channel: it announces its port, and reports its store counters on request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Target } from './targets.js';

/** Core the servers run on; the runner itself is pinned to core 0 by the `bench` script. */
const SERVER_CORE = process.env.BENCH_SERVER_CORE ?? '1';

/** A running target server. */
export class ServerProcess {
  private constructor(
    readonly target: Target,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly output: () => string,
  ) {}

  /** Starts the server of `target`; rejects with its output when it does not come up within `timeoutMs`. */
  static start(target: Target, timeoutMs = 20_000): Promise<ServerProcess> {
    const file = fileURLToPath(new URL(`./servers/${target.server}.js`, import.meta.url));
    const useTaskset = process.platform === 'linux' && process.env.BENCH_NO_TASKSET !== '1';
    const command = useTaskset ? 'taskset' : process.execPath;
    const args = useTaskset ? ['-c', SERVER_CORE, process.execPath, ...serverFlags(target), file] : [...serverFlags(target), file];
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production', BENCH_STORE: target.store ?? '', BENCH_TARGET: target.id },
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`did not start within ${timeoutMs} ms\n${output}`));
      }, timeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited (${signal ?? code}) before listening\n${output.trim()}`));
      });
      child.on('message', (message: { type?: string; port?: number }) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(new ServerProcess(target, message.port!, child, () => output));
      });
    });
  }

  /** Base URL of the server. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the server printed. */
  get log(): string {
    return this.output();
  }

  /** The server's store counters (round trips since it started, by operation). */
  counters(): Promise<Record<string, number>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.target.id}: no answer to the counters request within 15 s`)), 15_000);
      const onMessage = (message: { type?: string; counters?: Record<string, number> }) => {
        if (message.type !== 'stats') return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message.counters!);
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'stats' });
    });
  }

  /** Asks the server to delete what it wrote and exit; kills it if it does not within 5 s. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Extra node flags for a server: `BENCH_CPU_PROF=<regex>` profiles the matching targets. */
function serverFlags(target: Target): string[] {
  const pattern = process.env.BENCH_CPU_PROF;
  if (!pattern || !new RegExp(pattern, 'i').test(target.id)) return [];
  const directory = fileURLToPath(new URL('../results/profiles/', import.meta.url));
  return ['--cpu-prof', `--cpu-prof-dir=${directory}`, `--cpu-prof-name=${target.id.replace(/\//g, '_')}-${Date.now()}.cpuprofile`];
}
