/** What a run collects, shared by the runner and the report. */
import type { Measurement } from './load.js';
import type { InstructionRun } from './instruction-results.js';
import type { Target } from './targets.js';

/** Everything measured for one target and one endpoint. */
export interface EndpointResult {
  /** One measurement per round, in round order. */
  rounds: Measurement[];
  /** Store round trips summed over the rounds, by operation. */
  counters: Record<string, number>;
  /** 2xx responses summed over the rounds (the denominator of the store counts). */
  ok: number;
}

/** Everything measured for one target. */
export interface TargetResult {
  target: Target;
  /** Why the target did not start, when it did not. */
  unavailable?: string;
  /** By endpoint name. */
  endpoints: Record<string, EndpointResult>;
  /** Correctness checks that failed (empty when the counts persisted every time). */
  failures: string[];
}

/** A microbenchmark's result. */
export interface MicroResult {
  name: string;
  /** Operations per second (mean). */
  opsPerSecond: number;
  /** Median and 99th percentile time of one operation, in µs. */
  medianMicroseconds: number;
  p99Microseconds: number;
  /** Why it did not run, when it did not. */
  unavailable?: string;
}

/** A whole run. */
export interface RunResults {
  date: Date;
  machine: string;
  settings: string;
  targets: TargetResult[];
  micro: MicroResult[];
  /** The last complete `bench:instructions` runs (`results/instructions-*.json`), shown beside the req/s. */
  instructions: InstructionRun[];
}
