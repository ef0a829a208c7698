/**
 * Test support (not part of the package's exports): reaching the shared Redis, and starting private
 * redis-server processes (single servers for outage tests, a 3-master Cluster) on free loopback ports.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/** URL of the shared Redis the tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export function uniquePrefix(label: string): string {
  return `sess-test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}:`;
}

/** Fails with instructions when the shared Redis does not answer. */
export async function requireRedis(url = REDIS_URL): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${url} (${(error as Error).message}). Start it with: ` +
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log ' +
        '(or set REDIS_URL).',
    );
  } finally {
    client.disconnect();
  }
}

/** A port nothing listens on right now, chosen by the OS. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A redis-server child process owned by a test. */
export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  readonly directory: string;
  /** Kills the process (SIGKILL by default: a crash) and waits until it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** The child process, e.g. to pause it with SIGSTOP. */
  readonly child: ChildProcess;
}

const running = new Set<ChildProcess>();
// Last resort when a test run dies without its afterAll: never leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Port to listen on. @default a free port */
  port?: number;
  /** Working directory (AOF files, nodes.conf). @default a new temporary directory */
  directory?: string;
  /** Keep an append-only file, fsynced on every write, so data survives a kill. @default false */
  appendOnly?: boolean;
  /** Extra redis-server arguments. @default [] */
  extraArguments?: string[];
}

/** Starts redis-server as a child process and resolves once it accepts connections. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
  const port = options.port ?? (await freePort());
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'sess-redis-')));
  const argumentsList = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', directory,
    '--save', '',
    '--daemonize', 'no',
    '--appendonly', options.appendOnly ? 'yes' : 'no',
    '--appendfsync', 'always',
    ...(options.extraArguments ?? []),
  ];
  const child = spawn('redis-server', argumentsList, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server on port ${port} did not start:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run redis-server (is it installed? \`which redis-server\`): ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited with code ${code}:\n${output}`));
    });
  });
  // Keep draining the pipes so that a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    directory,
    child,
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill(signal);
        await exited;
      }
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A private Redis Cluster of three masters on loopback. */
export interface RedisClusterProcesses {
  /** Seed nodes for an ioredis `Cluster`. */
  readonly nodes: { host: string; port: number }[];
  /** Kills every node and removes their directory. */
  stop(): Promise<void>;
}

/** Starts three cluster-enabled servers, joins them with `redis-cli --cluster create`, and waits for `cluster_state:ok`. */
export async function startRedisCluster(): Promise<RedisClusterProcesses> {
  const directory = await mkdtemp(join(tmpdir(), 'sess-redis-cluster-'));
  const servers: RedisServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await rm(directory, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < 3; index++) {
      const port = await freePort();
      const busPort = await freePort();
      const nodeDirectory = await mkdtemp(join(directory, `node-${port}-`));
      servers.push(
        await startRedisServer({
          port,
          directory: nodeDirectory,
          extraArguments: [
            '--cluster-enabled', 'yes',
            '--cluster-port', String(busPort),
            '--cluster-config-file', `nodes-${port}.conf`,
          ],
        }),
      );
    }
    await run('redis-cli', [
      '--cluster', 'create',
      ...servers.map((server) => `127.0.0.1:${server.port}`),
      '--cluster-replicas', '0',
      '--cluster-yes',
    ]);
    const deadline = Date.now() + 20_000;
    for (const server of servers) {
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(server.port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`cluster node ${server.port} never reached cluster_state:ok:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })), stop };
}
