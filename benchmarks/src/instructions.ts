/**
 * `pnpm --filter benchmarks bench:instructions [targets...]`: CPU instructions per request of each
 * target's server, counted by valgrind's callgrind. Unlike req/s or CPU time, an instruction count
 * barely moves with the other jobs of a shared machine, so it can tell apart changes of a few
 * percent that the load test cannot. Slow (the server runs under valgrind) and single-connection:
 * it measures the work of a request, not the throughput of a server.
 *
 * For each target: start its server under callgrind with instrumentation off, warm up with
 * `WARMUP` requests, switch instrumentation on (`callgrind_control -i on`), send `REQUESTS` more,
 * switch it off and dump; instructions / REQUESTS is the figure. Each target is measured `RUNS`
 * times (median reported), since garbage collection still lands differently from run to run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './statistics.js';
import { TARGETS, type Target } from './targets.js';

const WARMUP = Number(process.env.BENCH_WARMUP_REQUESTS ?? 3000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ENDPOINT = process.env.BENCH_ENDPOINT === 'POST' ? { method: 'POST', path: '/api/counter' } : { method: 'GET', path: '/api/session' };

/** One request on a keep-alive agent; resolves with the response's `Set-Cookie` values. */
function send(agent: Agent, port: number, method: string, path: string, cookie: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers: cookie ? { cookie } : {} }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.headers['set-cookie'] ?? []));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** `count` requests of the endpoint, as one visitor over one keep-alive connection, following `Set-Cookie`. */
async function drive(port: number, count: number, jar: { cookie: string }): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < count; i++) {
    const cookies = await send(agent, port, ENDPOINT.method, ENDPOINT.path, jar.cookie);
    if (cookies.length > 0) jar.cookie = cookies.map((line) => line.slice(0, line.indexOf(';'))).join('; ');
  }
  agent.destroy();
}

/** Instructions per request of one run of `target`'s server. */
async function countOnce(target: Target): Promise<number> {
  const file = fileURLToPath(new URL(`./servers/${target.server}.js`, import.meta.url));
  const prefix = join(tmpdir(), `sess-callgrind-${process.pid}-${Date.now()}`);
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${prefix}.%p`, process.execPath, file], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, NODE_ENV: 'production', BENCH_STORE: target.store ?? '', BENCH_TARGET: target.id },
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /127\.0\.0\.1:(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`${target.id}: the server exited (${code}) before listening`)));
    });
    const jar = { cookie: '' };
    // The visitor's session, created by one POST as the load test does.
    const created = await send(new Agent(), port, 'POST', '/api/counter', '');
    jar.cookie = created.map((line) => line.slice(0, line.indexOf(';'))).join('; ');
    await drive(port, WARMUP, jar);
    execFileSync('callgrind_control', ['-i', 'on', String(child.pid)], { stdio: 'ignore' });
    await drive(port, REQUESTS, jar);
    execFileSync('callgrind_control', ['-i', 'off', String(child.pid)], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  let total = 0;
  const directory = tmpdir();
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (!path.startsWith(prefix)) continue;
    // `totals:` is the event count of the dump (its `summary:` line can be 0 for a dump on request).
    const totals = /^totals: (\d+)/m.exec(readFileSync(path, 'utf8'));
    total += Number(totals?.[1] ?? 0);
    rmSync(path, { force: true });
  }
  if (total === 0) throw new Error(`${target.id}: callgrind wrote no counts`);
  return total / REQUESTS;
}

const wanted = process.argv.slice(2);
const targets = TARGETS.filter((target) => (wanted.length === 0 ? target.store === undefined || target.store === 'memory' : wanted.includes(target.id)));
if (targets.length === 0) throw new Error(`no target matches ${wanted.join(' ')}; IDs are listed in src/targets.ts`);
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  throw new Error('valgrind is not installed: apt-get install -y valgrind');
}
console.log(`instructions per ${ENDPOINT.method} ${ENDPOINT.path} (median of ${RUNS} runs of ${REQUESTS} requests after ${WARMUP})`);
for (const target of targets) {
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await countOnce(target));
  console.log(`${target.id.padEnd(36)} ${Math.round(median(runs)).toLocaleString('en-US').padStart(10)}   [${runs.map((value) => Math.round(value / 1000) + 'k').join(' ')}]`);
}
