/**
 * The instruction counts of `bench:instructions`, kept in `results/instructions-get.json` and
 * `results/instructions-post.json` by a complete run, so that the load test's report can show each
 * target's instructions per request and overhead over bare next to its req/s.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One target's count in a run of `bench:instructions`. */
export interface InstructionRow {
  /** The target's ID (`targets.ts`). */
  id: string;
  /** Instructions per request on the main thread (median of the runs). */
  main: number;
  /** Instructions per request over every thread (median of the runs). */
  all: number;
  /** `main` minus the bare target's `main`, for a sess target. */
  overhead?: number;
}

/** A complete run of `bench:instructions` for one endpoint. */
export interface InstructionRun {
  /** `GET /api/session` or `POST /api/counter`. */
  endpoint: string;
  /** ISO date of the run. */
  date: string;
  /** The commit measured (`git rev-parse --short HEAD`), with `+` when the tree had changes. */
  commit: string;
  node: string;
  runs: number;
  requests: number;
  warmup: number;
  /** The overhead goal per request of this endpoint. */
  goal: number;
  rows: InstructionRow[];
}

/** The file of `method`'s complete run in `directory`. */
export function instructionFile(directory: string, method: 'GET' | 'POST'): string {
  return join(directory, `instructions-${method.toLowerCase()}.json`);
}

/** The complete runs kept in `directory`, `GET` first; none when they were never made. */
export function readInstructionRuns(directory: string): InstructionRun[] {
  const runs: InstructionRun[] = [];
  for (const method of ['GET', 'POST'] as const) {
    const file = instructionFile(directory, method);
    if (existsSync(file)) runs.push(JSON.parse(readFileSync(file, 'utf8')) as InstructionRun);
  }
  return runs;
}

/** `12,345` → `12.3k`. */
export function kilo(value: number): string {
  return `${(value / 1000).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}k`;
}

/** `1,234` → `+1.2k`, `-1,234` → `−1.2k`: an overhead with its sign. */
export function signedKilo(value: number): string {
  return value < 0 ? `−${kilo(-value)}` : `+${kilo(value)}`;
}
