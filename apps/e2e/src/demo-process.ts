import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The sample apps. */
export const APP_NAMES = ['express-demo', 'koa-demo', 'hono-demo', 'fastify-demo', 'next-demo'] as const;

/** One of {@link APP_NAMES}. */
export type AppName = (typeof APP_NAMES)[number];

/** A sample app running as a child process. */
export interface RunningApp {
  name: AppName;
  /** Base URL, such as `http://127.0.0.1:41234/`. */
  url: string;
  /** What the process printed so far (stdout and stderr). */
  output(): string;
  /** Ends the process (SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
}

function serverFile(name: AppName): string {
  return fileURLToPath(new URL(`../../${name}/dist/server.js`, import.meta.url));
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts `name` (its built `dist/server.js`) on a free port (`PORT=0`; the URL is read from the line
 * the app prints) with `environment` on top of this process's, and waits until `/healthz` answers
 * 200. Fails with the app's output, and `hint`, when it exits or stays unhealthy.
 */
export async function startApp(name: AppName, environment: Record<string, string>, hint = ''): Promise<RunningApp> {
  const file = serverFile(name);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: build the apps first (\`pnpm turbo run build --filter=./apps/*\`).`);
  }
  const child = spawn(process.execPath, [file], {
    cwd: fileURLToPath(new URL(`../../${name}/`, import.meta.url)),
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = () => stopProcess(child);
  const fail = async (reason: string): Promise<never> => {
    await stop();
    throw new Error(`${name} (SESSION_STORE=${environment.SESSION_STORE}) ${reason}\n--- its output ---\n${output}${hint ? `\n${hint}` : ''}`);
  };

  const deadline = Date.now() + 20_000;
  let url: string | undefined;
  while (url === undefined) {
    url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url !== undefined) break;
    if (child.exitCode !== null) return fail(`exited with code ${child.exitCode} before listening.`);
    if (Date.now() > deadline) return fail('did not print its URL within 20 s.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let last = '';
  for (;;) {
    try {
      const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(3000) });
      last = `${response.status} ${await response.text()}`;
      if (response.status === 200) break;
    } catch (error) {
      last = String(error);
    }
    if (child.exitCode !== null) return fail(`exited with code ${child.exitCode}.`);
    if (Date.now() > deadline) return fail(`/healthz did not answer 200 within 20 s (last answer: ${last}).`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name, url, output: () => output, stop };
}

/** Starts every app with one environment (one store, one secret), in parallel. */
export async function startApps(environment: Record<string, string>, hint?: string): Promise<Record<AppName, RunningApp>> {
  const settled = await Promise.allSettled(APP_NAMES.map((name) => startApp(name, environment, hint)));
  const failed = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed.length > 0) {
    await Promise.all(settled.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    throw new Error(failed.map((result) => (result.reason as Error).message).join('\n\n'));
  }
  const apps = settled.map((result) => (result as PromiseFulfilledResult<RunningApp>).value);
  return Object.fromEntries(apps.map((app) => [app.name, app])) as Record<AppName, RunningApp>;
}
