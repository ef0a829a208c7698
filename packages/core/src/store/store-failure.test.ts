import { describe, expect, it } from 'vitest';
import { SessionStateError, StoreUnavailableError } from '../errors.js';
import { fromCallback, storeFailure } from './store-failure.js';
import { tableNameParts } from './table-name.js';

describe('storeFailure', () => {
  it("wraps a driver's error with the store's name, what failed and the advice, and keeps sess errors as they are", () => {
    const driver = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const error = storeFailure('postgres', 'read a session', driver, 'check that PostgreSQL is running');
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toBe('[postgres] read a session failed: connect ECONNREFUSED 127.0.0.1:5432; check that PostgreSQL is running');
    expect(error.cause).toBe(driver);
    const own = new SessionStateError('x');
    expect(storeFailure('postgres', 'x', own)).toBe(own);
  });
});

describe('fromCallback', () => {
  it('settles with the callback, a returned promise that rejects, or a throw', async () => {
    expect(await fromCallback<number>((callback) => callback(undefined, 7))).toBe(7);
    await expect(fromCallback((callback) => callback(new Error('no')))).rejects.toThrow('no');
    await expect(fromCallback(() => Promise.reject(new Error('rejected')))).rejects.toThrow('rejected');
    await expect(
      fromCallback(() => {
        throw new Error('threw');
      }),
    ).rejects.toThrow('threw');
  });
});

describe('tableNameParts', () => {
  const rules = { qualifier: 'schema', maxPartLength: 63 };
  it('takes plain identifiers, qualified or not, and refuses anything that could carry SQL', () => {
    expect(tableNameParts('postgres', 'sessions', rules)).toEqual(['sessions']);
    expect(tableNameParts('postgres', 'auth.sessions', rules)).toEqual(['auth', 'sessions']);
    for (const bad of ['', 'a.b.c', '1table', 'x; DROP TABLE y', 'a"b', 'x'.repeat(49), 42]) {
      expect(() => tableNameParts('postgres', bad, rules)).toThrow(/\[postgres\] invalid tableName/);
    }
  });
});

describe('usePooled and acquireWithin', () => {
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  it('return a resource that arrives after the deadline unused, and tell release about a failed use', async () => {
    const { acquireWithin, usePooled } = await import('./pooled.js');
    const released: Array<[string, unknown]> = [];
    const late = () => sleep(250).then(() => 'late');
    await expect(usePooled(late, async () => 'used', (resource, error) => void released.push([resource, error]), 50, () => new Error('timed out'))).rejects.toThrow('timed out');
    await sleep(300);
    expect(released).toEqual([['late', undefined]]);
    const failure = new Error('broken');
    await expect(usePooled(async () => 'a', async () => Promise.reject(failure), (resource, error) => void released.push([resource, error]), 1000, () => new Error('t'))).rejects.toBe(failure);
    expect(released.at(-1)).toEqual(['a', failure]);
    const givenBack: string[] = [];
    await expect(acquireWithin(late(), 50, () => new Error('timed out'), (resource) => void givenBack.push(resource))).rejects.toThrow('timed out');
    await sleep(300);
    expect(givenBack).toEqual(['late']);
  });
});
