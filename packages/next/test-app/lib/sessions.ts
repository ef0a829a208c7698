/**
 * The test app's sessions: one file store on disk, so that every part of the app (Route Handlers,
 * Server Actions, Server Components, the proxy: separate bundles in Next) sees the same sessions.
 * The store fails while the file named by SESSION_FAIL_FLAG exists, for the 503 tests.
 */
import { existsSync } from 'node:fs';
import { StoreUnavailableError, type SessionRecord, type Store } from '@sess/core';
import { nextSessions } from '@sess/next';
import { FileStore } from '@sess/store-file';

/** The session data of the test app. */
export interface AppData {
  count: number;
  proxyHits: number;
  cart: string[];
}

const files = new FileStore({ dir: process.env.SESSION_DIR ?? '.sessions' });

/** A file store that fails on demand. */
class SwitchableStore implements Store {
  readonly name = 'switchable';
  #check(): void {
    const flag = process.env.SESSION_FAIL_FLAG;
    if (flag !== undefined && existsSync(flag)) throw new StoreUnavailableError('switchable', 'switched off by the test');
  }
  async get(id: string): Promise<SessionRecord | undefined> {
    this.#check();
    return files.get(id);
  }
  async set(id: string, record: SessionRecord): Promise<void> {
    this.#check();
    return files.set(id, record);
  }
  async destroy(id: string): Promise<void> {
    this.#check();
    return files.destroy(id);
  }
}

export const sessions = nextSessions<AppData>({
  store: new SwitchableStore(),
  secret: 'the secret of the @sess/next test app, long enough',
});
