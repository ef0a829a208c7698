/**
 * Turns a run into `results/latest.md` (one table per framework, the issue's targets checked, the
 * microbenchmarks) and an SVG bar chart of the `× bare` column, drawn here without a chart library.
 */
import { ENDPOINTS } from './load.js';
import type { Measurement } from './load.js';
import { kilo, signedKilo, type InstructionRun } from './instruction-results.js';
import type { EndpointResult, RunResults, TargetResult } from './results.js';
import { median, spread } from './statistics.js';
import { bareOf, TARGETS, type Target } from './targets.js';

type Lookup = Map<string, TargetResult>;

/**
 * How a ratio is taken: `rate` divides requests per second; `cpu` divides the reference's server CPU
 * time per request by the target's, an estimate of the same speed-up that other jobs on the machine
 * disturb less. Both read "higher is faster".
 */
type Basis = 'rate' | 'cpu';

function speed(measurement: Measurement, basis: Basis): number {
  return basis === 'rate' ? measurement.requestsPerSecond : 1 / measurement.cpuMicrosPerRequest;
}

/** The per-round ratios of `target` to `reference` on `endpoint` (rounds paired, so drift cancels). */
function ratios(lookup: Lookup, target: Target, referenceId: string | undefined, endpoint: string, basis: Basis = 'rate'): number[] {
  if (!referenceId) return [];
  const mine = lookup.get(target.id)?.endpoints[endpoint]?.rounds;
  const theirs = lookup.get(referenceId)?.endpoints[endpoint]?.rounds;
  if (!mine || !theirs) return [];
  const count = Math.min(mine.length, theirs.length);
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const value = speed(mine[i]!, basis) / speed(theirs[i]!, basis);
    if (Number.isFinite(value) && value > 0) values.push(value);
  }
  return values;
}

/** Median ratio of `target` to `referenceId` on `endpoint`, or NaN when either did not run. */
export function ratio(lookup: Lookup, target: Target, referenceId: string | undefined, endpoint: string, basis: Basis = 'rate'): number {
  return median(ratios(lookup, target, referenceId, endpoint, basis));
}

function formatRatio(values: number[]): string {
  if (values.length === 0) return '–';
  const middle = `${median(values).toFixed(2)}×`;
  if (values.length === 1) return middle;
  const { min, max } = spread(values);
  return `${middle} (${min.toFixed(2)}–${max.toFixed(2)})`;
}

function formatCpu(rounds: EndpointResult['rounds']): string {
  const value = median(rounds.map((round) => round.cpuMicrosPerRequest).filter(Number.isFinite));
  return Number.isNaN(value) ? '–' : value.toFixed(0);
}

function formatRate(rounds: EndpointResult['rounds']): string {
  const values = rounds.map((round) => round.requestsPerSecond);
  const middle = Math.round(median(values)).toLocaleString('en-US');
  if (values.length === 1) return middle;
  const { min, max } = spread(values);
  return `${middle} (${Math.round(min).toLocaleString('en-US')}–${Math.round(max).toLocaleString('en-US')})`;
}

/** Store round trips per request, by kind: the backend's own commands when counted (Redis), else Store calls. */
export function storeCalls(slot: EndpointResult): { total: number; reads: number; writes: number; detail: string } {
  const entries = Object.entries(slot.counters);
  const redis = entries.filter(([key]) => key.startsWith('redis.'));
  const chosen = redis.length > 0 ? redis : entries.filter(([key]) => key.startsWith('store.'));
  // Requests the server handled (in-flight ones at the end included), else the 2xx responses.
  const requests = slot.counters['http.requests'] ?? slot.ok;
  const per = (value: number) => (requests > 0 ? value / requests : 0);
  const total = per(chosen.reduce((sum, [, value]) => sum + value, 0));
  const store = Object.fromEntries(entries.filter(([key]) => key.startsWith('store.')).map(([key, value]) => [key.slice(6), per(value)]));
  const reads = (store.get ?? 0) + (store.getSessionById ?? 0);
  const writes = (store.set ?? 0) + (store.patch ?? 0) + (store.touch ?? 0) + (store.persistSessionData ?? 0) + (store.createSession ?? 0);
  const detail = chosen
    .sort((a, b) => b[1] - a[1])
    .map(([key, value]) => `${key.replace(/^(redis|store)\./, '')} ${per(value).toFixed(2)}`)
    .join(', ');
  return { total, reads, writes, detail: redis.length > 0 ? `Redis: ${detail}` : detail };
}

function frameworkTable(results: RunResults, lookup: Lookup, framework: string): string[] {
  const rows = results.targets.filter((result) => result.target.framework === framework);
  const lines = [
    `### ${framework}`,
    '',
    '| target | endpoint | req/s (min–max) | p50 ms | p99 ms | CPU µs / req | instructions / req (over bare) ² | × bare | × incumbent | store round trips / request |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --- |',
  ];
  for (const result of rows) {
    const { target } = result;
    if (result.unavailable) {
      lines.push(`| ${target.label} | – | not run: ${result.unavailable.replace(/\|/g, '\\|')} | | | | | | | |`);
      continue;
    }
    for (const endpoint of ENDPOINTS) {
      const slot = result.endpoints[endpoint.name];
      if (!slot || slot.rounds.length === 0) continue;
      const calls = storeCalls(slot);
      const bare = target.role === 'bare' ? '1.00×' : formatRatio(ratios(lookup, target, bareOf(target).id, endpoint.name));
      const incumbent = target.incumbent
        ? `${formatRatio(ratios(lookup, target, target.incumbent, endpoint.name))} vs ${lookup.get(target.incumbent)?.target.label ?? target.incumbent}`
        : '–';
      const name = `${target.role === 'sess' ? `**${target.label}**` : target.label}${target.informational ? ' ¹' : ''}${result.failures.length ? ' ⚠' : ''}`;
      lines.push(
        `| ${name} | ${endpoint.name} | ${formatRate(slot.rounds)} | ${median(slot.rounds.map((round) => round.p50))} | ${median(slot.rounds.map((round) => round.p99))} | ${formatCpu(slot.rounds)} | ${instructionCell(results.instructions, target.id, endpoint.name)} | ${bare} | ${incumbent} | ${calls.total === 0 ? '0' : `${calls.total.toFixed(2)} (${calls.detail})`} |`,
      );
    }
  }
  lines.push('');
  return lines;
}

interface Goal {
  text: string;
  value: number;
  /** The same ratio from server CPU time per request. */
  cpu: number;
  pass: boolean | undefined;
}

function goals(lookup: Lookup): Goal[] {
  const list: Goal[] = [];
  const get = (id: string) => lookup.get(id)?.target;
  const atLeast = (text: string, id: string, referenceId: string, endpoint: string, minimum: number) => {
    const target = get(id);
    const value = target ? ratio(lookup, target, referenceId, endpoint) : Number.NaN;
    const cpu = target ? ratio(lookup, target, referenceId, endpoint, 'cpu') : Number.NaN;
    list.push({ text: `${text} on ${endpoint}: ≥ ${minimum}×`, value, cpu, pass: Number.isNaN(value) ? undefined : value >= minimum });
  };
  atLeast('Express: sess (memory) / bare', 'express/sess-memory', 'express/bare', 'GET /api/session', 0.8);
  atLeast('Koa: sess (memory) / bare', 'koa/sess-memory', 'koa/bare', 'GET /api/session', 0.85);
  atLeast('Hono: sess (memory) / bare', 'hono/sess-memory', 'hono/bare', 'GET /api/session', 0.85);
  for (const endpoint of ENDPOINTS.map((item) => item.name)) {
    atLeast('sess (memory) / express-session (memory)', 'express/sess-memory', 'express/express-session-memory', endpoint, 1.5);
    atLeast('sess (memory) / koa-session (cookie)', 'koa/sess-memory', 'koa/koa-session-cookie', endpoint, 1.5);
    atLeast('sess (cookie) / koa-session (cookie)', 'koa/sess-cookie', 'koa/koa-session-cookie', endpoint, 1.5);
    atLeast('sess (memory) / hono-sessions (memory)', 'hono/sess-memory', 'hono/hono-sessions-memory', endpoint, 10);
    atLeast('sess (cookie) / hono-sessions (cookie)', 'hono/sess-cookie', 'hono/hono-sessions-cookie', endpoint, 10);
    atLeast('sess (cookie) / iron-session', 'node/sess-cookie', 'node/iron-session', endpoint, 5);
    atLeast('Express: sess (Redis) / express-session + connect-redis', 'express/sess-redis', 'express/express-session-redis', endpoint, 1.5);
    atLeast('Koa: sess (Redis) / koa-session + koa-redis', 'koa/sess-redis', 'koa/koa-session-redis', endpoint, 1.5);
  }
  return list;
}

function callGoals(results: RunResults): string[] {
  const lines: string[] = [];
  for (const result of results.targets) {
    const { target } = result;
    if (target.role !== 'sess' || target.store === 'cookie' || result.unavailable) continue;
    const read = result.endpoints['GET /api/session'];
    const write = result.endpoints['POST /api/counter'];
    if (!read || !write) continue;
    const r = storeCalls(read);
    const w = storeCalls(write);
    // Renewal (one touch per session per touchAfter) may add a few writes over a long run.
    const readOk = Math.abs(r.reads - 1) < 0.005 && r.writes < 0.01;
    const writeOk = Math.abs(w.reads - 1) < 0.005 && Math.abs(w.writes - 1) < 0.01;
    lines.push(
      `| ${target.id} | ${r.reads.toFixed(2)} read, ${r.writes.toFixed(3)} write ${readOk ? '✅' : '❌'} | ${w.reads.toFixed(2)} read, ${w.writes.toFixed(2)} write ${writeOk ? '✅' : '❌'} |`,
    );
  }
  if (lines.length === 0) return [];
  return [
    'Store calls of sess (Store methods, counted by a wrapper; goal: a read-only request makes 1 read and no write, a change 1 read and 1 write):',
    '',
    '| target | GET /api/session | POST /api/counter |',
    '| --- | --- | --- |',
    ...lines,
    '',
  ];
}

/** The Markdown report of a run. */
export function renderReport(results: RunResults, chartFile: string): string {
  const lookup: Lookup = new Map(results.targets.map((result) => [result.target.id, result]));
  const lines = [
    '# sess benchmarks: latest results',
    '',
    `Date: ${results.date.toISOString().slice(0, 16).replace('T', ' ')} UTC  `,
    `Machine: ${results.machine}  `,
    `Settings: ${results.settings}`,
    '',
    'req/s is the median of the rounds (min–max in brackets); × bare and × incumbent are medians of per-round',
    'ratios (each round runs every target back to back, so drift of the shared machine hits all alike).',
    'Store round trips count Redis commands where Redis is used, else calls of the store object.',
    'See `benchmarks/README.md` for what is measured and how to read it.',
    '',
  ];
  if (results.targets.length > 0) {
    lines.push(`![× bare framework](${chartFile})`, '');
    for (const framework of ['Express', 'Koa', 'Hono', 'Fastify', 'h3', 'node:http', 'fetch on Node']) {
      if (results.targets.some((result) => result.target.framework === framework)) lines.push(...frameworkTable(results, lookup, framework));
    }
    const anyFailure = results.targets.some((result) => result.failures.length > 0);
    lines.push(`¹ for information; the issue sets no target for it.${anyFailure ? ' ⚠ a correctness check failed (see below).' : ''}`, '');
    lines.push('² from the last complete `bench:instructions` run of that endpoint (main thread; see "Instructions per request" below for its commit and date); – where it was not measured.', '');
    lines.push(
      '## Targets of the issue',
      '',
      'Judged on req/s; the last column gives the same ratio from server CPU time per request, which the other jobs of a shared machine disturb less.',
      '',
      '| goal | measured | | by CPU time |',
      '| --- | --: | --- | --: |',
    );
    const times = (value: number) => (Number.isNaN(value) ? '–' : `${value.toFixed(2)}×`);
    for (const goal of goals(lookup)) {
      lines.push(`| ${goal.text} | ${Number.isNaN(goal.value) ? 'not run' : times(goal.value)} | ${goal.pass === undefined ? '–' : goal.pass ? '✅' : '❌ missed'} | ${times(goal.cpu)} |`);
    }
    lines.push('', ...callGoals(results));
    lines.push(...instructionSection(results.instructions));
    const failures = results.targets.filter((result) => result.failures.length > 0);
    lines.push('## Correctness checks', '');
    if (failures.length === 0) {
      lines.push('After every run of every target, the sum of the sessions\' counts read back through `GET /api/session` matched the successful `POST`s (and did not move under `GET`): all passed.', '');
    } else {
      for (const result of failures) lines.push(`- ${result.target.id}: ${result.failures.join('; ')}`);
      lines.push('');
    }
  }
  if (results.micro.length > 0) {
    lines.push('## Microbenchmarks (tinybench, in the runner process)', '', '| operation | ops/s | p50 µs | p99 µs |', '| --- | --: | --: | --: |');
    for (const micro of results.micro) {
      lines.push(
        micro.unavailable
          ? `| ${micro.name} | not run: ${micro.unavailable} | | |`
          : `| ${micro.name} | ${Math.round(micro.opsPerSecond).toLocaleString('en-US')} | ${micro.medianMicroseconds.toFixed(1)} | ${micro.p99Microseconds.toFixed(1)} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** A target's instructions per request on `endpoint` and its overhead over bare, as a table cell. */
function instructionCell(runs: readonly InstructionRun[], id: string, endpoint: string): string {
  const row = runs.find((run) => run.endpoint === endpoint)?.rows.find((item) => item.id === id);
  if (row === undefined) return '–';
  return row.overhead === undefined ? kilo(row.main) : `${kilo(row.main)} (${signedKilo(row.overhead)})`;
}

/**
 * The issue's per-request goals judged on the last complete `bench:instructions` runs: each sess
 * target's instructions on the main thread, its overhead over the same framework with no session,
 * and whether the overhead is within the goal of the endpoint.
 */
export function instructionSection(runs: readonly InstructionRun[]): string[] {
  if (runs.length === 0) return [];
  const lines = [
    '## Instructions per request (`bench:instructions`)',
    '',
    'Counted by callgrind on the server\'s main thread, one visitor over one keep-alive connection; overhead = the sess target minus the same framework with no session. Goals: `GET` ≤ 10k, `POST` ≤ 25k instructions over bare. Where a goal is missed, `benchmarks/README.md` ("Overhead over the bare frameworks") gives the floor and what costs it.',
    '',
  ];
  for (const run of runs) {
    lines.push(
      `**${run.endpoint}**: commit \`${run.commit}\`, ${run.date.slice(0, 16).replace('T', ' ')} UTC, Node ${run.node}, median of ${run.runs} run(s) of ${run.requests.toLocaleString('en-US')} requests after ${run.warmup.toLocaleString('en-US')}.`,
      '',
      '| framework | target | instructions / req | bare | overhead | goal |',
      '| --- | --- | --: | --: | --: | --- |',
    );
    for (const row of run.rows) {
      const target = TARGETS.find((item) => item.id === row.id);
      if (target === undefined || row.overhead === undefined) continue;
      const bare = run.rows.find((item) => item.id === bareOf(target).id);
      lines.push(
        `| ${target.framework} | ${target.label} | ${kilo(row.main)} | ${bare === undefined ? '–' : kilo(bare.main)} | ${signedKilo(row.overhead)} | ${row.overhead <= run.goal ? '✅' : '❌'} ≤ ${kilo(run.goal)} |`,
      );
    }
    lines.push('');
  }
  return lines;
}

/**
 * The section of the root README between its `bench:start` / `bench:end` markers: the date and
 * machine line, and each sess target's req/s and ratios (the full tables are in `latest.md`).
 */
export function renderReadmeSection(results: RunResults): string {
  const lookup: Lookup = new Map(results.targets.map((result) => [result.target.id, result]));
  const lines = [
    `Latest run: ${results.date.toISOString().slice(0, 16).replace('T', ' ')} UTC; ${results.machine}; ${results.settings}.`,
    '',
    '| framework | target | endpoint | req/s | CPU µs / req | instructions / req (over bare) | × bare framework | × incumbent |',
    '| --- | --- | --- | --: | --: | --: | --: | --- |',
  ];
  for (const result of results.targets) {
    const { target } = result;
    if (target.role !== 'sess' || target.informational || result.unavailable) continue;
    for (const endpoint of ENDPOINTS) {
      const slot = result.endpoints[endpoint.name];
      if (!slot || slot.rounds.length === 0) continue;
      const bare = ratio(lookup, target, bareOf(target).id, endpoint.name);
      const incumbent = target.incumbent ? ratio(lookup, target, target.incumbent, endpoint.name) : Number.NaN;
      const versus = Number.isNaN(incumbent) ? '–' : `${incumbent.toFixed(2)}× vs ${lookup.get(target.incumbent!)?.target.label ?? target.incumbent}`;
      lines.push(
        `| ${target.framework} | ${target.label} | ${endpoint.name} | ${Math.round(median(slot.rounds.map((round) => round.requestsPerSecond))).toLocaleString('en-US')} | ${formatCpu(slot.rounds)} | ${instructionCell(results.instructions, target.id, endpoint.name)} | ${Number.isNaN(bare) ? '–' : `${bare.toFixed(2)}×`} | ${versus} |`,
      );
    }
  }
  if (results.instructions.length > 0) {
    const runs = results.instructions.map((run) => `${run.endpoint} on \`${run.commit}\``).join(', ');
    lines.push('', `Instructions per request on the server's main thread and the overhead over the same framework with no session (goals: \`GET\` ≤ 10k, \`POST\` ≤ 25k), from \`bench:instructions\` (${runs}); the goals each target meets are in \`benchmarks/results/latest.md\`.`);
  }
  return lines.join('\n');
}

/** `readme` with the text between its bench markers replaced by `section`; unchanged without markers. */
export function replaceReadmeSection(readme: string, section: string): string {
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return readme;
  return `${readme.slice(0, from + start.length)}\n${section}\n${readme.slice(to)}`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An SVG bar chart of `× bare` for every target but the bare ones: one bar per endpoint. */
export function renderChart(results: RunResults): string {
  const lookup: Lookup = new Map(results.targets.map((result) => [result.target.id, result]));
  const rows = results.targets.filter((result) => result.target.role !== 'bare' && !result.unavailable);
  const labelWidth = 300;
  const plotWidth = 520;
  const barHeight = 9;
  const rowHeight = barHeight * 2 + 8;
  const top = 46;
  const groupGap = 22;
  const values = rows.flatMap((result) => ENDPOINTS.map((endpoint) => ratio(lookup, result.target, bareOf(result.target).id, endpoint.name)));
  const maximum = Math.max(1, ...values.filter((value) => !Number.isNaN(value)));
  const scale = plotWidth / maximum;
  const parts: string[] = [];
  let y = top;
  let framework = '';
  for (const result of rows) {
    const { target } = result;
    if (target.framework !== framework) {
      if (framework !== '') y += groupGap - 8;
      framework = target.framework;
      parts.push(`<text x="8" y="${y + 4}" font-weight="bold">${escape(framework)}</text>`);
      y += 14;
    }
    const sess = target.role === 'sess';
    parts.push(`<text x="${labelWidth - 8}" y="${y + barHeight + 4}" text-anchor="end"${sess ? ' font-weight="bold"' : ''}>${escape(target.label)}</text>`);
    ENDPOINTS.forEach((endpoint, index) => {
      const value = ratio(lookup, target, bareOf(target).id, endpoint.name);
      const barY = y + index * barHeight;
      if (Number.isNaN(value)) return;
      const color = sess ? (index === 0 ? '#1f6fb2' : '#6fa8dc') : index === 0 ? '#8a8a8a' : '#c4c4c4';
      parts.push(`<rect x="${labelWidth}" y="${barY}" width="${Math.max(1, value * scale).toFixed(1)}" height="${barHeight - 1}" fill="${color}"><title>${escape(`${target.label}, ${endpoint.name}: ${value.toFixed(2)}×`)}</title></rect>`);
      parts.push(`<text x="${(labelWidth + value * scale + 4).toFixed(1)}" y="${barY + barHeight - 1}" font-size="9">${value.toFixed(2)}×</text>`);
    });
    y += rowHeight;
  }
  const height = y + 24;
  const width = labelWidth + plotWidth + 70;
  const ticks: string[] = [];
  for (let tick = 0; tick <= maximum + 1e-9; tick += maximum > 2 ? 0.5 : 0.25) {
    const x = (labelWidth + tick * scale).toFixed(1);
    ticks.push(`<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${height - 20}" stroke="${tick === 1 ? '#444' : '#e3e3e3'}"${tick === 1 ? ' stroke-dasharray="4 3"' : ''}/>`);
    ticks.push(`<text x="${x}" y="${height - 6}" text-anchor="middle" font-size="9">${tick.toFixed(2)}×</text>`);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold">Throughput relative to the same framework with no session (× bare; 1.00× = no cost)</text>`,
    `<text x="8" y="32" font-size="10">${escape(results.date.toISOString().slice(0, 10))} · ${escape(results.machine)} · upper bar POST /api/counter, lower bar GET /api/session · blue: sess, grey: incumbents</text>`,
    ...ticks,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
