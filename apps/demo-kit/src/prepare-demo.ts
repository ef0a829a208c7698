import type { AddressInfo } from 'node:net';
import { SessError } from '@sess/core';
import { createDemoSessions } from './create-demo-sessions.js';
import { DemoActions } from './demo-actions.js';
import { DemoConfigError, developmentSecretWarning, readDemoConfig, type DemoConfig } from './demo-config.js';

/** Options of {@link prepareDemo}. */
export interface PrepareDemoOptions {
  /** The app's name, such as `express-demo`. */
  appName: string;
  /** Port used when `PORT` is unset. */
  defaultPort: number;
}

/**
 * Reads the configuration, warns loudly about a development secret and creates the sessions.
 * A configuration mistake ends the process with its message (exit code 1), not a stack trace.
 */
export async function prepareDemo(options: PrepareDemoOptions): Promise<DemoActions> {
  try {
    const config = readDemoConfig(options);
    if (config.usingDevelopmentSecret) console.warn(developmentSecretWarning(config.appName));
    const sessions = await createDemoSessions(config);
    return new DemoActions(config, sessions);
  } catch (error) {
    if (error instanceof DemoConfigError || SessError.isInstance(error)) {
      console.error(`${options.appName} cannot start: ${(error as Error).message}`);
      process.exit(1);
    }
    throw error;
  }
}

/** The URL a server listens on, as printed at start-up. */
export function listeningUrl(config: DemoConfig, address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') return `http://${config.host}:${config.port}/`;
  const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}/`;
}

/** Something that can be stopped at shutdown. */
export interface Closable {
  close(callback?: (error?: Error) => void): unknown;
}

/**
 * Prints where the app listens (`express-demo listening on http://127.0.0.1:3001/`) and closes the
 * server and the store on SIGINT or SIGTERM, so that connections and file handles end cleanly.
 */
export function announce(actions: DemoActions, server: Closable & { address(): AddressInfo | string | null }): void {
  const { config } = actions;
  console.log(`${config.appName} listening on ${listeningUrl(config, server.address())} (SESSION_STORE=${config.store})`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close();
    actions.sessions.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
    // Keep-alive connections can hold `server.close()` open; do not wait for them forever.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
