import { describe, expect, it } from 'vitest';
import { settleWithin, sweepRunning, SWEEP_MS } from './deadline-sweep.js';

describe('settleWithin', () => {
  it('fires no earlier than the deadline and at most one sweep after it', async () => {
    const started = Date.now();
    await expect(settleWithin(new Promise(() => {}), 150, () => new Error('late'))).rejects.toThrow('late');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(150 + SWEEP_MS + 250);
  });

  it('passes a rejection through mapError, and a value through unchanged', async () => {
    await expect(settleWithin(Promise.resolve('ok'), 1000, () => new Error('late'))).resolves.toBe('ok');
    const mapped = settleWithin(Promise.reject(new Error('raw')), 1000, () => new Error('late'), (error) => new Error(`wrapped: ${(error as Error).message}`));
    await expect(mapped).rejects.toThrow('wrapped: raw');
  });

  it('lets many calls share the sweep: each times out on its own deadline', async () => {
    const quick = settleWithin(new Promise(() => {}), 50, () => new Error('quick'));
    const slow = settleWithin(new Promise(() => {}), 400, () => new Error('slow'));
    const settledInTime = settleWithin(new Promise((resolve) => setTimeout(() => resolve('done'), 100)), 400, () => new Error('never'));
    await expect(quick).rejects.toThrow('quick');
    await expect(settledInTime).resolves.toBe('done');
    let slowSettled = false;
    slow.catch(() => (slowSettled = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(slowSettled).toBe(false);
    await expect(slow).rejects.toThrow('slow');
  });

  it('starts no timer for a call that settles in-process, and one for a call still pending', async () => {
    // Let a sweep left running by an earlier test stop (it stops at its first sweep with nothing watched).
    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 2));
    expect(sweepRunning()).toBe(false);
    const inProcess = async () => {
      await Promise.resolve();
      return 'cached';
    };
    await expect(settleWithin(inProcess(), 1000, () => new Error('late'))).resolves.toBe('cached');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sweepRunning()).toBe(false);

    let finish!: (value: string) => void;
    const pending = settleWithin(new Promise<string>((resolve) => (finish = resolve)), 1000, () => new Error('late'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sweepRunning()).toBe(true);
    finish('done');
    await expect(pending).resolves.toBe('done');
    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 2));
    expect(sweepRunning()).toBe(false);
  });
});
