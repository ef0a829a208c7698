import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  CookieTooLargeError,
  InvalidSessionIdError,
  LockTimeoutError,
  SessError,
  SessionConfigError,
  SessionStateError,
  STORE_UNAVAILABLE_MESSAGE,
  StoreUnavailableError,
} from './errors.js';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('error identity', () => {
  it('tells every class apart with one isInstance, and each error is an instance of what it extends', () => {
    const errors = [
      new SessionConfigError('x'),
      new StoreUnavailableError('redis', 'get failed'),
      new CookieTooLargeError(5000, 4096),
      new LockTimeoutError('x'),
      new InvalidSessionIdError('x'),
      new SessionStateError('x'),
    ];
    const classes = [SessionConfigError, StoreUnavailableError, CookieTooLargeError, LockTimeoutError, InvalidSessionIdError, SessionStateError];
    errors.forEach((error, index) => {
      expect(error.name).toBe(classes[index]!.kind);
      expect(SessError.isInstance(error)).toBe(true);
      classes.forEach((type, other) => expect(type.isInstance(error)).toBe(other === index));
    });
    // Unbound, as a callback.
    expect(errors.filter(StoreUnavailableError.isInstance)).toEqual([errors[1]]);
    for (const value of [new Error('x'), null, undefined, 'StoreUnavailableError', { name: 'StoreUnavailableError' }]) {
      expect(SessError.isInstance(value)).toBe(false);
      expect(StoreUnavailableError.isInstance(value)).toBe(false);
    }
  });

  it('holds for a subclass defined outside the core, such as a store error', () => {
    class CorruptThingError extends SessError {
      static override readonly kind: string = 'CorruptThingError';
    }
    const error = new CorruptThingError('x');
    expect(error.name).toBe('CorruptThingError');
    expect(CorruptThingError.isInstance(error)).toBe(true);
    expect(SessError.isInstance(error)).toBe(true);
    expect(StoreUnavailableError.isInstance(error)).toBe(false);
    expect(CorruptThingError.isInstance(new SessionStateError('x'))).toBe(false);
  });

  it('holds in a minified bundle, whose class names are gone, and across two copies of the package', async () => {
    expect(existsSync(dist), 'run `pnpm --filter @sess/core build` first').toBe(true);
    const folder = mkdtempSync(join(tmpdir(), 'sess-minified-'));
    const entry = join(folder, 'entry.mjs');
    writeFileSync(
      entry,
      `import * as copy from ${JSON.stringify(dist)};
       const error = new copy.StoreUnavailableError('redis', 'get failed');
       console.log(JSON.stringify({ name: error.name, store: copy.StoreUnavailableError.isInstance(error), lock: copy.LockTimeoutError.isInstance(error), base: copy.SessError.isInstance(error) }));
       globalThis.fromBundle = error;`,
    );
    const bundle = join(folder, 'bundle.mjs');
    await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'node', outfile: bundle, logLevel: 'silent' });
    const output = JSON.parse(execFileSync(process.execPath, [bundle], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(output).toEqual({ name: 'StoreUnavailableError', store: true, lock: false, base: true });
    // The bundle's copy of the core made this error; this copy recognizes it.
    await import(bundle);
    const foreign = (globalThis as { fromBundle?: unknown }).fromBundle;
    expect(StoreUnavailableError.isInstance(foreign)).toBe(true);
    expect(foreign).not.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('StoreUnavailableError', () => {
  it("exposes a message that says nothing about the store, and keeps the store's detail and the driver's error for logs", () => {
    const cause = new Error("Access denied for user 'app'@'10.0.0.7'");
    const error = new StoreUnavailableError('mysql', `get failed: ${cause.message}`, { cause });
    expect(error.message).toBe(STORE_UNAVAILABLE_MESSAGE);
    expect(error.expose).toBe(false);
    expect(error.status).toBe(503);
    expect(error.detail).toBe("[mysql] get failed: Access denied for user 'app'@'10.0.0.7'");
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain(error.detail);
    expect(String(error)).not.toContain('Access denied');
  });
});
