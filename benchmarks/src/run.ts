/**
 * `pnpm bench`: starts every target's server pinned to core 1, creates one session per connection,
 * warms up, then runs rounds in which the targets alternate (A B C A B C...) on each endpoint, checks
 * after every run that the counts persisted, counts store round trips, runs the microbenchmarks and
 * writes `results/latest.md` and `results/latest.svg`.
 */
import { readInstructionRuns } from './instruction-results.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CookieJar } from './cookie-jar.js';
import { createVisitors, ENDPOINTS, measure, totalCount, type Endpoint } from './load.js';
import { runMicrobenchmarks } from './micro.js';
import { parseOptions } from './options.js';
import { deleteBenchKeys } from './redis-cleanup.js';
import { renderChart, renderReadmeSection, renderReport, replaceReadmeSection } from './report.js';
import type { EndpointResult, RunResults, TargetResult } from './results.js';
import { ServerProcess } from './server-process.js';
import { selectTargets } from './targets.js';

const options = parseOptions();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Live {
  result: TargetResult;
  server: ServerProcess;
  jars: CookieJar[];
  /** Sum of every session's count after the last check. */
  total: number;
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const change = value - (before[key] ?? 0);
    if (change !== 0) delta[key] = change;
  }
  return delta;
}

/**
 * The server's counters once it has gone quiet: requests in flight when the load generator stopped
 * (a save still waiting for the store) finish after autocannon returns, and must be over before the
 * counts are checked and before the next run starts.
 */
async function settledCounters(server: ServerProcess): Promise<Record<string, number>> {
  // CPU time moves on every poll; quiet means no request and no store call moved.
  const activity = (counters: Record<string, number>) => JSON.stringify({ ...counters, 'cpu.micros': 0 });
  let previous = activity(await server.counters());
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = await server.counters();
    const text = activity(current);
    if (text === previous) return current;
    previous = text;
  }
  throw new Error('the server did not go quiet within 5 s of the end of the load');
}

/** One measured (or warm-up) run of `endpoint`, with the count check after it. */
async function runOnce(live: Live, endpoint: Endpoint, seconds: number, record: boolean): Promise<void> {
  const { server, jars, result } = live;
  const before = await server.counters();
  const measurement = await measure(server, jars, endpoint, seconds);
  const after = await settledCounters(server);
  const delta = difference(after, before);
  measurement.cpuMicrosPerRequest = (delta['cpu.micros'] ?? 0) / (delta['http.requests'] || 1);
  const total = await totalCount(server, jars);
  const changed = total - live.total;
  const problems: string[] = [];
  if (measurement.failed > 0) problems.push(`${measurement.failed} failed requests`);
  if (measurement.ok === 0) problems.push('no successful request');
  if (endpoint.method === 'GET' && changed !== 0) problems.push(`the counts changed by ${changed} under GET`);
  // A request in flight when the load stopped may have been saved without its response counted.
  if (endpoint.method === 'POST' && (changed < measurement.ok || changed > measurement.ok + jars.length)) {
    problems.push(`the counts grew by ${changed} for ${measurement.ok} successful POSTs`);
  }
  live.total = total;
  for (const problem of problems) result.failures.push(`${endpoint.name}${record ? '' : ' (warm-up)'}: ${problem}`);
  if (!server.alive) throw new Error(`the server exited\n${server.log}`);
  if (!record) return;
  const slot = (result.endpoints[endpoint.name] ??= { rounds: [], counters: {}, ok: 0 } satisfies EndpointResult);
  slot.rounds.push(measurement);
  slot.ok += measurement.ok;
  for (const [key, value] of Object.entries(delta)) slot.counters[key] = (slot.counters[key] ?? 0) + value;
  log(
    `  ${result.target.id.padEnd(34)} ${endpoint.name.padEnd(18)} ${Math.round(measurement.requestsPerSecond).toString().padStart(6)} req/s  ${measurement.cpuMicrosPerRequest.toFixed(1).padStart(6)} µs CPU/req  p50 ${measurement.p50} ms  p99 ${measurement.p99} ms${problems.length ? `  CHECK FAILED: ${problems.join('; ')}` : ''}`,
  );
}

async function runHttp(): Promise<TargetResult[]> {
  const targets = selectTargets(options.filter);
  await deleteBenchKeys();
  const results: TargetResult[] = targets.map((target) => ({ target, endpoints: {}, failures: [] }));
  const live: Live[] = [];
  for (const result of results) {
    try {
      const server = await ServerProcess.start(result.target);
      try {
        const jars = await createVisitors(server, options.connections);
        live.push({ result, server, jars, total: jars.length });
        log(`started ${result.target.id} on port ${server.port}`);
      } catch (error) {
        await server.stop();
        throw error;
      }
    } catch (error) {
      result.unavailable = firstLine(error);
      log(`skipped ${result.target.id}: ${(error as Error).message.trim().split('\n').slice(0, 6).join(' | ')}`);
    }
  }
  // A target that fails mid-run keeps the rounds it completed; the failure is reported with them.
  const drop = async (entry: Live, error: unknown) => {
    entry.result.failures.push(`stopped measuring it: ${firstLine(error)}`);
    log(`dropped ${entry.result.target.id}: ${(error as Error).message}`);
    live.splice(live.indexOf(entry), 1);
    await entry.server.stop().catch(() => undefined);
  };
  try {
    log(`warm-up: ${options.warmup} s per target and endpoint`);
    for (const entry of [...live]) {
      for (const endpoint of ENDPOINTS) {
        await runOnce(entry, endpoint, options.warmup, false).catch((error: unknown) => drop(entry, error));
      }
    }
    for (let round = 1; round <= options.rounds; round++) {
      log(`round ${round} of ${options.rounds}`);
      for (const endpoint of ENDPOINTS) {
        for (const entry of [...live]) {
          await runOnce(entry, endpoint, options.duration, true).catch((error: unknown) => drop(entry, error));
        }
      }
    }
  } finally {
    await Promise.all(live.map((entry) => entry.server.stop()));
    await deleteBenchKeys();
  }
  return results;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.trim().split('\n');
  // A server that failed to start prints its error last; the first line says only that it exited.
  const detail = lines.slice(1).find((line) => /Error|Cannot|not /.test(line));
  return (detail ? `${lines[0]}: ${detail.trim()}` : lines[0]!).slice(0, 200);
}

function machineLine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  return `${model}, ${list.length} cores, Node ${process.version}, ${process.platform} ${process.arch}`;
}

const started = Date.now();
const results: RunResults = {
  date: new Date(),
  machine: machineLine(),
  settings: `${options.rounds} round(s) of ${options.duration} s per target and endpoint after ${options.warmup} s of warm-up, ${options.connections} connections (one session each), server on core 1, load generator on core 0${options.quick ? ' (quick run)' : ''}`,
  targets: options.http ? await runHttp() : [],
  micro: [],
  instructions: readInstructionRuns(resolve(root, 'results')),
};
if (options.micro) {
  log('microbenchmarks');
  results.micro = await runMicrobenchmarks(options.microTime);
}
const output = resolve(root, options.output);
mkdirSync(dirname(output), { recursive: true });
const chartFile = output.replace(/\.md$/, '') + '.svg';
writeFileSync(chartFile, renderChart(results));
writeFileSync(output, renderReport(results, chartFile.slice(dirname(output).length + 1)));
log(`wrote ${output} and ${chartFile} in ${Math.round((Date.now() - started) / 1000)} s`);
// Only a complete default run speaks for the project on its front page.
if (output === resolve(root, 'results/latest.md') && options.http && !options.filter && !options.quick) {
  const readme = resolve(root, '../README.md');
  writeFileSync(readme, replaceReadmeSection(readFileSync(readme, 'utf8'), renderReadmeSection(results)));
  log(`updated the benchmark table of ${readme}`);
}
const failed = results.targets.filter((target) => target.failures.length > 0);
if (failed.length > 0) {
  for (const target of failed) log(`CHECK FAILED ${target.target.id}: ${target.failures.join('; ')}`);
  process.exitCode = 1;
}
