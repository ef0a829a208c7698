/**
 * Every server the harness measures: per framework its ceiling (no session), the incumbents users
 * run today, and sess. `incumbent` names the target a sess target's speed is compared with.
 */

/** One server to measure. */
export interface Target {
  /** Stable ID, also what `--filter` matches: `framework/library-store`. */
  id: string;
  /** The framework column of the results. */
  framework: 'Express' | 'Koa' | 'Hono' | 'Fastify' | 'h3' | 'node:http' | 'fetch on Node';
  /** What the row is called in the results. */
  label: string;
  /** `bare`: the framework alone; `incumbent`: a library users pick today; `sess`: this project. */
  role: 'bare' | 'incumbent' | 'sess';
  /** The server file, in `dist/servers/`. */
  server: string;
  /** `BENCH_STORE` of the server. */
  store?: string;
  /** The ID of the target this one's speed is compared with (`× incumbent`). */
  incumbent?: string;
  /** Reported for information only: the issue sets no target for it. */
  informational?: boolean;
}

/** Every target, in the order of each round. */
export const TARGETS: readonly Target[] = [
  { id: 'express/bare', framework: 'Express', label: 'Express, no session', role: 'bare', server: 'express-bare' },
  { id: 'express/express-session-memory', framework: 'Express', label: 'express-session (MemoryStore)', role: 'incumbent', server: 'express-session', store: 'memory' },
  { id: 'express/express-session-redis', framework: 'Express', label: 'express-session + connect-redis', role: 'incumbent', server: 'express-session', store: 'redis' },
  { id: 'express/sess-memory', framework: 'Express', label: 'sess (MemoryStore)', role: 'sess', server: 'express-sess', store: 'memory', incumbent: 'express/express-session-memory' },
  { id: 'express/sess-cookie', framework: 'Express', label: 'sess (cookie)', role: 'sess', server: 'express-sess', store: 'cookie', incumbent: 'express/express-session-memory' },
  { id: 'express/sess-redis', framework: 'Express', label: 'sess (Redis)', role: 'sess', server: 'express-sess', store: 'redis', incumbent: 'express/express-session-redis' },
  { id: 'express/sess-file', framework: 'Express', label: 'sess (file)', role: 'sess', server: 'express-sess', store: 'file', incumbent: 'express/express-session-memory', informational: true },
  { id: 'express/sess-sqlite', framework: 'Express', label: 'sess (SQLite)', role: 'sess', server: 'express-sess', store: 'sqlite', incumbent: 'express/express-session-memory', informational: true },
  { id: 'express/sess-postgres', framework: 'Express', label: 'sess (PostgreSQL)', role: 'sess', server: 'express-sess', store: 'postgres', incumbent: 'express/express-session-redis', informational: true },

  { id: 'koa/bare', framework: 'Koa', label: 'Koa, no session', role: 'bare', server: 'koa-bare' },
  { id: 'koa/koa-session-cookie', framework: 'Koa', label: 'koa-session (signed cookie)', role: 'incumbent', server: 'koa-session', store: 'cookie' },
  { id: 'koa/koa-session-redis', framework: 'Koa', label: 'koa-session + koa-redis', role: 'incumbent', server: 'koa-session', store: 'redis' },
  { id: 'koa/sess-memory', framework: 'Koa', label: 'sess (MemoryStore)', role: 'sess', server: 'koa-sess', store: 'memory', incumbent: 'koa/koa-session-cookie' },
  { id: 'koa/sess-cookie', framework: 'Koa', label: 'sess (cookie)', role: 'sess', server: 'koa-sess', store: 'cookie', incumbent: 'koa/koa-session-cookie' },
  { id: 'koa/sess-redis', framework: 'Koa', label: 'sess (Redis)', role: 'sess', server: 'koa-sess', store: 'redis', incumbent: 'koa/koa-session-redis' },
  { id: 'koa/sess-redis-cached', framework: 'Koa', label: 'sess (Redis, read cache)', role: 'sess', server: 'koa-sess', store: 'redis-cached', incumbent: 'koa/koa-session-redis' },

  { id: 'hono/bare', framework: 'Hono', label: 'Hono, no session', role: 'bare', server: 'hono-bare' },
  { id: 'hono/hono-sessions-cookie', framework: 'Hono', label: 'hono-sessions (CookieStore)', role: 'incumbent', server: 'hono-sessions', store: 'cookie' },
  { id: 'hono/hono-sessions-memory', framework: 'Hono', label: 'hono-sessions (MemoryStore)', role: 'incumbent', server: 'hono-sessions', store: 'memory' },
  { id: 'hono/sess-memory', framework: 'Hono', label: 'sess (MemoryStore)', role: 'sess', server: 'hono-sess', store: 'memory', incumbent: 'hono/hono-sessions-memory' },
  { id: 'hono/sess-cookie', framework: 'Hono', label: 'sess (cookie)', role: 'sess', server: 'hono-sess', store: 'cookie', incumbent: 'hono/hono-sessions-cookie' },
  { id: 'hono/sess-redis', framework: 'Hono', label: 'sess (Redis)', role: 'sess', server: 'hono-sess', store: 'redis', incumbent: 'hono/hono-sessions-memory' },
  { id: 'hono/sess-redis-cached', framework: 'Hono', label: 'sess (Redis, read cache)', role: 'sess', server: 'hono-sess', store: 'redis-cached', incumbent: 'hono/hono-sessions-memory' },

  { id: 'fastify/bare', framework: 'Fastify', label: 'Fastify, no session', role: 'bare', server: 'fastify-bare' },
  { id: 'fastify/fastify-session-memory', framework: 'Fastify', label: '@fastify/session (MemoryStore)', role: 'incumbent', server: 'fastify-session', store: 'memory' },
  { id: 'fastify/sess-memory', framework: 'Fastify', label: 'sess (MemoryStore)', role: 'sess', server: 'fastify-sess', store: 'memory', incumbent: 'fastify/fastify-session-memory' },
  { id: 'fastify/sess-cookie', framework: 'Fastify', label: 'sess (cookie)', role: 'sess', server: 'fastify-sess', store: 'cookie', incumbent: 'fastify/fastify-session-memory' },

  { id: 'h3/bare', framework: 'h3', label: 'h3 on node:http, no session', role: 'bare', server: 'h3-bare' },
  { id: 'h3/h3-session-cookie', framework: 'h3', label: "h3's useSession (sealed cookie)", role: 'incumbent', server: 'h3-session' },
  { id: 'h3/sess-memory', framework: 'h3', label: 'sess (MemoryStore)', role: 'sess', server: 'h3-sess', store: 'memory', incumbent: 'h3/h3-session-cookie', informational: true },
  { id: 'h3/sess-cookie', framework: 'h3', label: 'sess (cookie)', role: 'sess', server: 'h3-sess', store: 'cookie', incumbent: 'h3/h3-session-cookie', informational: true },

  { id: 'node/bare', framework: 'node:http', label: 'node:http, no session', role: 'bare', server: 'node-bare' },
  { id: 'node/iron-session', framework: 'node:http', label: 'iron-session', role: 'incumbent', server: 'iron-session' },
  { id: 'node/sess-cookie', framework: 'node:http', label: 'sess (cookie), no adapter', role: 'sess', server: 'node-sess', store: 'cookie', incumbent: 'node/iron-session' },

  { id: 'fetch/bare', framework: 'fetch on Node', label: 'fetch handler, no session', role: 'bare', server: 'fetch-bare' },
  { id: 'fetch/iron-session', framework: 'fetch on Node', label: 'iron-session (Request/Response)', role: 'incumbent', server: 'fetch-iron-session' },
  { id: 'fetch/sess-cookie', framework: 'fetch on Node', label: 'sess (cookie)', role: 'sess', server: 'fetch-sess', store: 'cookie', incumbent: 'fetch/iron-session' },
  { id: 'fetch/sess-memory', framework: 'fetch on Node', label: 'sess (MemoryStore)', role: 'sess', server: 'fetch-sess', store: 'memory', incumbent: 'fetch/iron-session' },
];

/** The bare target of `framework`. */
export function bareOf(target: Target): Target {
  return TARGETS.find((candidate) => candidate.framework === target.framework && candidate.role === 'bare')!;
}

/** The targets matching `filter`, plus the baselines they are compared with, in round order. */
export function selectTargets(filter: RegExp | undefined): Target[] {
  if (!filter) return [...TARGETS];
  const wanted = new Set<string>();
  for (const target of TARGETS) {
    if (!filter.test(target.id)) continue;
    wanted.add(target.id);
    wanted.add(bareOf(target).id);
    if (target.incumbent) wanted.add(target.incumbent);
  }
  return TARGETS.filter((target) => wanted.has(target.id));
}
