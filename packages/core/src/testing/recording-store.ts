/** A Map-backed store that records every call, for tests that count store round trips. */
import { applyPatch } from '../store/store-helpers.js';
import type { SessionPatch, SessionRecord, Store } from '../store/store.js';

/** One recorded store call. */
export interface StoreCall {
  method: string;
  id: string;
}

/** A complete in-memory `Store` (records kept as JSON text, like a real backend) that logs its calls. */
export class RecordingStore implements Store {
  readonly name = 'recording';
  readonly records = new Map<string, string>();
  readonly calls: StoreCall[] = [];
  readonly #failNext = new Set<string>();

  /** Makes the next call of `method` reject, as a store whose server went away. */
  failNext(method: string): void {
    this.#failNext.add(method);
  }

  #record(method: string, id: string): void {
    this.calls.push({ method, id });
    if (this.#failNext.delete(method)) throw new Error(`${method} failed: connection refused`);
  }

  count(method: string): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  writes(): number {
    return this.calls.filter((call) => call.method !== 'get').length;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    this.#record('get', id);
    const text = this.records.get(id);
    if (text === undefined) return undefined;
    const record = JSON.parse(text) as SessionRecord;
    return record.expiresAt > Date.now() ? record : undefined;
  }

  async set(id: string, record: SessionRecord): Promise<void> {
    this.#record('set', id);
    this.records.set(id, JSON.stringify(record));
  }

  async destroy(id: string): Promise<void> {
    this.#record('destroy', id);
    this.records.delete(id);
  }

  async touch(id: string, expiresAt: number): Promise<void> {
    this.#record('touch', id);
    const text = this.records.get(id);
    if (text !== undefined) this.records.set(id, JSON.stringify({ ...JSON.parse(text), expiresAt }));
  }

  async patch(id: string, change: SessionPatch, expiresAt: number): Promise<void> {
    this.#record('patch', id);
    const text = this.records.get(id);
    if (text === undefined) return;
    const record = JSON.parse(text) as SessionRecord;
    this.records.set(id, JSON.stringify({ ...record, data: applyPatch(record.data, change), expiresAt }));
  }

  async destroyByOwner(owner: string): Promise<number> {
    let count = 0;
    for (const [id, text] of this.records) {
      if ((JSON.parse(text) as SessionRecord).owner === owner) {
        this.records.delete(id);
        count++;
      }
    }
    return count;
  }
}
