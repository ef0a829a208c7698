import { describe, expect, it } from 'vitest';
import { withTimeout } from './store-helpers.js';

describe('withTimeout', () => {
  it('settles like the promise when it settles in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, () => new Error('late'))).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('broken')), 1000, () => new Error('late'))).rejects.toThrow('broken');
  });

  it('rejects with the timeout error when the promise does not settle', async () => {
    await expect(withTimeout(new Promise(() => {}), 20, () => new Error('no answer'))).rejects.toThrow('no answer');
  });
});
