/**
 * The smallest real `Store`: records in a Map, copied in and out as JSON. Its operations can be
 * slowed down (to prove responses wait for the write) or made to fail (a backend that is down).
 */
import type { SessionRecord, Store } from '@sess/core';

/** The store operations a {@link MapStore} can be told to fail. */
export type MapStoreOperation = 'get' | 'set' | 'destroy';

/**
 * A `Store` over a `Map`, for adapter tests: `new MapStore(30)` makes every operation take 30 ms,
 * `store.failing.add('set')` makes every `set` throw until removed again.
 */
export class MapStore implements Store {
  /** The store's name in error messages. */
  readonly name = 'map';
  /** The records by store ID, as JSON. */
  readonly records = new Map<string, string>();
  /** Operations that throw, as they would while the backend is down. */
  readonly failing = new Set<MapStoreOperation>();

  /** @param delayMs how long every operation takes */
  constructor(private readonly delayMs = 0) {}

  /** The live record of `id`, or `undefined`. */
  async get(id: string): Promise<SessionRecord | undefined> {
    await this.enter('get');
    const json = this.records.get(id);
    const record = json === undefined ? undefined : (JSON.parse(json) as SessionRecord);
    return record !== undefined && record.expiresAt > Date.now() ? record : undefined;
  }

  /** Writes the whole record. */
  async set(id: string, record: SessionRecord): Promise<void> {
    await this.enter('set');
    this.records.set(id, JSON.stringify(record));
  }

  /** Deletes the record. */
  async destroy(id: string): Promise<void> {
    await this.enter('destroy');
    this.records.delete(id);
  }

  private async enter(operation: MapStoreOperation): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failing.has(operation)) throw new Error(`map store: ${operation} failed, the backend is down`);
  }
}
