import { assertValidStoreId, type SessionRecord, type Store } from '@sess/core';
import { testStore } from './test-store.js';

/** The minimal store of the README's "Writing a store" guide: it must keep passing the suite. */
class MapStore implements Store {
  readonly name = 'map';
  // JSON strings, so that a caller mutating a record it gave or got never changes the stored one.
  readonly #records = new Map<string, string>();

  async get(id: string): Promise<SessionRecord | undefined> {
    assertValidStoreId(id, this.name);
    const json = this.#records.get(id);
    if (json === undefined) return undefined;
    const record = JSON.parse(json) as SessionRecord;
    if (record.expiresAt > Date.now()) return record;
    this.#records.delete(id);
    return undefined;
  }

  async set(id: string, record: SessionRecord): Promise<void> {
    assertValidStoreId(id, this.name);
    this.#records.set(id, JSON.stringify(record));
  }

  async destroy(id: string): Promise<void> {
    assertValidStoreId(id, this.name);
    this.#records.delete(id);
  }
}

testStore({
  name: 'map (the README example)',
  create: () => new MapStore(),
  capabilities: { touch: false, patch: false, lock: false, destroyByOwner: false, listByOwner: false, prune: false, clear: false, close: false },
});
