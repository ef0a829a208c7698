import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { randomBytes } from './random-bytes.js';

describe('randomBytes', () => {
  it('never hands out the same bytes twice, across refills of the pool', () => {
    const seen = new Set<string>();
    // 2,000 × 16 bytes spans several 4 KiB refills.
    for (let i = 0; i < 2000; i++) {
      const hex = Buffer.from(randomBytes(16)).toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
  });

  it('gives copies: changing one result changes no later one', () => {
    const first = randomBytes(32);
    first.fill(0);
    const second = randomBytes(32);
    expect(second.some((byte) => byte !== 0)).toBe(true);
    expect(second.buffer).not.toBe(first.buffer);
  });

  it('looks uniformly random (every byte value appears, none dominates)', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 400; i++) for (const byte of randomBytes(64)) counts[byte]!++;
    // 25,600 bytes: about 100 per value; a stuck or zeroed pool would fail these bounds.
    expect(Math.min(...counts)).toBeGreaterThan(40);
    expect(Math.max(...counts)).toBeLessThan(180);
  });

  it('serves requests larger than the pool directly', () => {
    const big = randomBytes(10_000);
    expect(big).toHaveLength(10_000);
    expect(big.some((byte) => byte !== 0)).toBe(true);
  });

  it('hands out different bytes in each process started from one V8 startup snapshot', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sess-snapshot-'));
    const entry = join(folder, 'entry.ts');
    // The snapshot is built after one draw, so the pool it carries is filled.
    writeFileSync(
      entry,
      `import { startupSnapshot } from 'node:v8';
       import { randomBytes } from ${JSON.stringify(fileURLToPath(new URL('./random-bytes.ts', import.meta.url)))};
       randomBytes(16);
       startupSnapshot.setDeserializeMainFunction(() => console.log(Buffer.from(randomBytes(32)).toString('hex')));`,
    );
    const bundle = join(folder, 'entry.cjs');
    await build({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', outfile: bundle, logLevel: 'silent' });
    const blob = join(folder, 'snapshot.blob');
    execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', bundle], { stdio: 'ignore' });
    const run = () => execFileSync(process.execPath, ['--snapshot-blob', blob], { encoding: 'utf8' }).trim();
    const [first, second] = [run(), run()];
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).not.toBe(first);
  }, 30_000);
});
