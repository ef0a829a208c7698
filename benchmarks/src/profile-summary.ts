/**
 * Summarizes a `.cpuprofile` written by `node --cpu-prof` (see `BENCH_CPU_PROF` in the README):
 * the functions with the most self time, and self time by file, so that a profile of a target can be
 * read without a browser. Usage: `node dist/profile-summary.js FILE.cpuprofile [top]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shorten(url: string): string {
  const pnpm = url.indexOf('/node_modules/.pnpm/');
  if (pnpm !== -1) return url.slice(pnpm + 20).replace(/\/node_modules\//, ' › ');
  const packages = url.indexOf('/packages/');
  if (packages !== -1) return url.slice(packages + 1);
  return url.replace(/^file:\/\//, '').replace(/^.*\/benchmarks\//, 'benchmarks/') || '(native)';
}

const [file, topText] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/profile-summary.js FILE.cpuprofile [top]');
  process.exit(2);
}
const top = Number(topText ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  self.set(id, (self.get(id) ?? 0) + delta);
  total += delta;
});
const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
const busy = total - [...idle].reduce((sum, id) => sum + (self.get(id) ?? 0), 0);
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const label = (frame: ProfileNode['callFrame']) =>
  `${frame.functionName || '(anonymous)'}  ${shorten(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
// Inclusive time: each sample counts once for every distinct function on its stack.
const inclusive = new Map<string, number>();
for (const [id, time] of self) {
  if (idle.has(id)) continue;
  const seen = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
    const name = label(byId.get(current)!.callFrame);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + time);
  }
}
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, time] of self) {
  const frame = byId.get(id)!.callFrame;
  const where = shorten(frame.url);
  if (idle.has(id)) continue;
  const name = label(frame);
  byFunction.set(name, (byFunction.get(name) ?? 0) + time);
  byFile.set(where, (byFile.get(where) ?? 0) + time);
}
const percent = (time: number) => `${((100 * time) / busy).toFixed(1).padStart(5)}%`;
console.log(`${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy (percentages are of busy time)\n\nself time by function:`);
for (const [name, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${percent(time)}  ${name}`);
const filter = process.env.PROFILE_MATCH ?? 'packages/';
console.log(`\ninclusive time of functions in files matching ${JSON.stringify(filter)} (PROFILE_MATCH):`);
for (const [name, time] of [...inclusive].filter(([name]) => name.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${percent(time)}  ${name}`);
}
console.log('\nself time by file:');
for (const [name, time] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${percent(time)}  ${name}`);
