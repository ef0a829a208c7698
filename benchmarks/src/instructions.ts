/**
 * `pnpm --filter benchmarks bench:instructions [targets...]`: CPU instructions per request of each
 * target's server, counted by valgrind's callgrind, and for each sess target its overhead over the
 * same framework with no session (the goals: `GET` ≤ 10k, `POST` ≤ 25k; a changed cookie
 * session ≤ 25 % over bare node:http). Unlike req/s or CPU time, an instruction count barely moves
 * with the other jobs of a shared machine, so it can tell apart changes of a few percent that the
 * load test cannot. Slow (the server runs under valgrind) and single-connection: it measures the
 * work of a request, not the throughput of a server.
 *
 * For each target: start its server under callgrind with instrumentation off, warm up with
 * `WARMUP` requests, switch instrumentation on (`callgrind_control -i on`), send `REQUESTS` more,
 * switch it off and dump; instructions / REQUESTS is the figure. Each target is measured `RUNS`
 * times (median reported).
 *
 * Two figures per target: the main thread (the request's own work, the garbage collection done on
 * it, the event loop) and every thread. The other threads are V8's helpers: optimizing compilers,
 * which still run thousands of requests after the start (a function reaching its top tier late
 * lands 50–200k instructions per request in a run, a different one each time), and the concurrent
 * parts of garbage collection. Between processes the main thread of a bare target repeats within
 * 1 % on Koa, Hono and node:http and within 4–8 % on Express (whose prototype swapping makes V8's
 * cache misses depend on where maps land in memory), a sess target within ~10 % (which functions
 * reached the optimizing tier), every thread within 10–20 %: the overheads and the goals are read
 * on the main thread, from the median of the runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instructionFile, kilo, signedKilo, type InstructionRow, type InstructionRun } from './instruction-results.js';
import { median } from './statistics.js';
import { bareOf, TARGETS, type Target } from './targets.js';

const WARMUP = Number(process.env.BENCH_WARMUP_REQUESTS ?? 4000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const POST = process.env.BENCH_ENDPOINT === 'POST';
const ENDPOINT = POST ? { method: 'POST', path: '/api/counter' } : { method: 'GET', path: '/api/session' };

/** The goals: instructions per request over the bare framework. */
const GOAL = POST ? 25_000 : 10_000;
/** A changed cookie session on node:http: at most this share over bare node:http. */
const COOKIE_CHANGE_GOAL = 0.25;

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

/** Instructions per request of one run: on the main thread, and on every thread. */
interface Count {
  main: number;
  all: number;
}

/** Instructions per request of one run of `target`'s server. */
async function countOnce(target: Target): Promise<Count> {
  const file = fileURLToPath(new URL(`./servers/${target.server}.js`, import.meta.url));
  const prefix = join(tmpdir(), `sess-callgrind-${process.pid}-${Date.now()}`);
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${prefix}.%p`, process.execPath, file],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, NODE_ENV: 'production', BENCH_STORE: target.store ?? '', BENCH_TARGET: target.id },
    },
  );
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
  const count: Count = { main: 0, all: 0 };
  const directory = tmpdir();
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (!path.startsWith(prefix)) continue;
    // `totals:` is the event count of the dump (its `summary:` line can be 0 for a dump on request).
    const instructions = Number(/^totals: (\d+)/m.exec(readFileSync(path, 'utf8'))?.[1] ?? 0);
    // One file per thread and dump: `<prefix>.<pid>[.<dump>]-<thread>`; thread 01 is the main thread.
    count.all += instructions;
    if (name.endsWith('-01')) count.main += instructions;
    rmSync(path, { force: true });
  }
  if (count.main === 0) throw new Error(`${target.id}: callgrind wrote no counts`);
  return { main: count.main / REQUESTS, all: count.all / REQUESTS };
}

/** Which goal a sess target's overhead meets, as a table cell. */
function goalCell(target: Target, overhead: number, bare: number): string {
  const cells = [`${overhead <= GOAL ? '✅' : '❌'} ≤ ${kilo(GOAL)}`];
  if (POST && target.framework === 'node:http' && target.store === 'cookie') {
    cells.push(`${overhead <= bare * COOKIE_CHANGE_GOAL ? '✅' : '❌'} ≤ ${COOKIE_CHANGE_GOAL * 100} % of bare`);
  }
  return cells.join(', ');
}

const wanted = process.argv.slice(2);
const picked = TARGETS.filter((target) => (wanted.length === 0 ? target.store === undefined || target.store === 'memory' || (target.role === 'sess' && target.store === 'cookie') : wanted.includes(target.id)));
if (picked.length === 0) throw new Error(`no target matches ${wanted.join(' ')}; IDs are listed in src/targets.ts`);
// Each sess target is compared with its framework's bare target: measure that one too.
const ids = new Set(picked.flatMap((target) => (target.role === 'sess' ? [bareOf(target).id, target.id] : [target.id])));
const targets = TARGETS.filter((target) => ids.has(target.id));
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  throw new Error('valgrind is not installed: apt-get install -y valgrind');
}
console.log(`Instructions per ${ENDPOINT.method} ${ENDPOINT.path} (median of ${RUNS} runs of ${REQUESTS} requests after ${WARMUP}; Node ${process.version})\n`);
console.log('| target | main thread | every thread (runs) | overhead over bare (main thread) | goal |');
console.log('| --- | --: | --: | --: | --- |');
// The commit of the code measured, read before the first server starts.
const measuredCommit = currentCommit();
const measured = new Map<string, Count>();
const rows: InstructionRow[] = [];
for (const target of targets) {
  const runs: Count[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await countOnce(target));
  const count = { main: median(runs.map((run) => run.main)), all: median(runs.map((run) => run.all)) };
  measured.set(target.id, count);
  const bare = target.role === 'sess' ? measured.get(bareOf(target).id) : undefined;
  const overhead = bare === undefined ? undefined : count.main - bare.main;
  const cells = [
    target.id,
    Math.round(count.main).toLocaleString('en-US'),
    `${Math.round(count.all).toLocaleString('en-US')} (${runs.map((run) => kilo(run.all)).join(' ')})`,
    overhead === undefined ? '' : `${signedKilo(overhead)} (${signedKilo(overhead).slice(0, 1)}${Math.abs((overhead / bare!.main) * 100).toFixed(0)} %)`,
    overhead === undefined ? '' : goalCell(target, overhead, bare!.main),
  ];
  console.log(`| ${cells.join(' | ')} |`);
  rows.push(overhead === undefined ? { id: target.id, ...count } : { id: target.id, ...count, overhead });
}

// A complete run (the default targets) is kept for the load test's report, which shows each
// target's instructions next to its req/s.
if (wanted.length === 0) {
  const directory = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(directory, { recursive: true });
  const run: InstructionRun = {
    endpoint: `${ENDPOINT.method} ${ENDPOINT.path}`,
    date: new Date().toISOString(),
    commit: measuredCommit,
    node: process.version,
    runs: RUNS,
    requests: REQUESTS,
    warmup: WARMUP,
    goal: GOAL,
    rows,
  };
  const file = instructionFile(directory, POST ? 'POST' : 'GET');
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

/** The commit measured, `+` marking a tree with uncommitted changes. */
function currentCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}+` : commit;
  } catch {
    return 'unknown';
  }
}
