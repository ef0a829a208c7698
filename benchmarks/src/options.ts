/**
 * Options of a bench run, from CLI flags (`--rounds=5`) or environment variables (`BENCH_ROUNDS=5`);
 * a flag wins over the variable. `BENCH_QUICK=1` (or `--quick`) gives a run of a few seconds per target.
 */

/** Everything a run can be told. */
export interface BenchOptions {
  /** Seconds of load per target, endpoint and round. @default 2 (quick: 1) */
  duration: number;
  /** Rounds; each runs every target once per endpoint, in the same order. @default 5 (quick: 1) */
  rounds: number;
  /** Seconds of warm-up load per target and endpoint before the first round. @default 1 (quick: 0.5) */
  warmup: number;
  /** Concurrent connections of the load generator, each with its own session. @default 32 */
  connections: number;
  /** Only targets whose ID matches this regular expression (their framework's baselines are kept). @default all */
  filter: RegExp | undefined;
  /** Run the HTTP targets. @default true */
  http: boolean;
  /** Run the microbenchmarks. @default true */
  micro: boolean;
  /** Milliseconds per microbenchmark task. @default 500 (quick: 150) */
  microTime: number;
  /** Whether this is a quick run (recorded in the results). */
  quick: boolean;
  /** Where the results go. @default results/latest.md (quick: results/quick.md) */
  output: string;
}

function read(name: string, argv: readonly string[]): string | undefined {
  const flag = `--${name}`;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === flag) {
      const next = argv[i + 1];
      return next === undefined || next.startsWith('--') ? 'true' : next;
    }
    if (argument.startsWith(`${flag}=`)) return argument.slice(flag.length + 1);
  }
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
}

function number(name: string, argv: readonly string[], fallback: number): number {
  const raw = read(name, argv);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

function flag(name: string, argv: readonly string[]): boolean {
  const raw = read(name, argv);
  return raw !== undefined && raw !== '' && raw !== '0' && raw !== 'false';
}

/** Parses the options of a run from `argv` (without node and the script) and the environment. */
export function parseOptions(argv: readonly string[] = process.argv.slice(2)): BenchOptions {
  if (argv.includes('--help')) {
    console.log(`Usage: pnpm bench [-- options]   (or BENCH_<OPTION> environment variables)
  --quick            a few seconds per target (BENCH_QUICK=1)
  --duration=S       seconds per target, endpoint and round (default 2)
  --rounds=N         rounds, targets alternating (default 5)
  --warmup=S         warm-up seconds per target and endpoint (default 1)
  --connections=N    connections, one session each (default 32)
  --filter=REGEX     only targets whose ID matches (e.g. "koa|hono"); baselines are kept
  --no-http          microbenchmarks only    --no-micro   HTTP targets only
  --micro-time=MS    milliseconds per microbenchmark (default 500)
  --output=PATH      results file (default results/latest.md, quick: results/quick.md)`);
    process.exit(0);
  }
  const quick = flag('quick', argv);
  const filter = read('filter', argv);
  return {
    quick,
    duration: number('duration', argv, quick ? 1 : 2),
    // Five short rounds rather than three long ones: a median of five shrugs off two disturbed rounds.
    rounds: Math.round(number('rounds', argv, quick ? 1 : 5)),
    warmup: number('warmup', argv, quick ? 0.5 : 1),
    connections: Math.round(number('connections', argv, 32)),
    filter: filter ? new RegExp(filter, 'i') : undefined,
    http: !argv.includes('--no-http') && process.env.BENCH_HTTP !== '0',
    micro: !argv.includes('--no-micro') && process.env.BENCH_MICRO !== '0',
    microTime: number('micro-time', argv, quick ? 150 : 500),
    output: read('output', argv) ?? (quick ? 'results/quick.md' : 'results/latest.md'),
  };
}
